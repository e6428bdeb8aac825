// MC of a tfjs graph model (a TensorFlow GraphDef converted by tensorflowjs_converter) on tfjs-converter.
// A graph model has no training flag: the converter keeps what the graph computes, so its random ops
// (the RandomUniform → GreaterEqual → Cast → Mul of a dropout left in, random noise) draw on every
// execution, and a graph without them cannot give MC passes that differ.
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { io } from '@tensorflow/tfjs-core';
import type { Tensor as TfTensor } from '@tensorflow/tfjs-core';
import { EngineError } from '../../engine/engine-error';
import { McNoStochasticLayerError, type McOptions, type McPasses } from '../../engine/mc/mc';
import type { McEngine, McModel } from '../../engine/mc/runtime';
import { Rng } from '../../random/rng';
import { sizeOf, type Tensor } from '../../engine/tensor';
import type { TfjsLibrary } from './load-library';
import { TFJS_CHUNK_ELEMENTS } from './layers-model';
import { withSeededRandom } from './seeded-random';
import { outputKindOf, toProbabilities, type OutputKind } from './probabilities';

/** TensorFlow ops that draw random numbers (tfjs-converter's creation ops). */
const RANDOM_OPS = new Set([
  'RandomUniform',
  'RandomUniformInt',
  'RandomStandardNormal',
  'TruncatedNormal',
  'Multinomial',
]);

/**
 * A graph's activations are not listed in the file; a row's widest activation is taken as this many
 * times its input (MobileNetV2's widest, 112 × 112 × 96, is 8 × its 224 × 224 × 3 input).
 */
const ACTIVATION_PER_INPUT = 16;

interface GraphNode {
  name: string;
  op: string;
  input?: string[];
}

function nodesOf(json: io.ModelJSON): GraphNode[] {
  const topology = json.modelTopology as {
    node?: GraphNode[];
    library?: { function?: { nodeDef?: GraphNode[] }[] };
  };
  return [...(topology.node ?? []), ...(topology.library?.function ?? []).flatMap((f) => f.nodeDef ?? [])];
}

/** Follows Identity nodes back from an output to the op that made it. */
function producer(nodes: GraphNode[], name: string): GraphNode | undefined {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  let node = byName.get(name.split(':')[0]!);
  while (node && node.op === 'Identity' && node.input?.[0]) node = byName.get(node.input[0].split(':')[0]!);
  return node;
}

export class TfjsGraphMcModel implements McModel {
  readonly inputShape: number[];
  readonly notes: string[] = [];
  private readonly randomOps: GraphNode[];
  private readonly last: string | undefined;
  private readonly name: string;

  constructor(
    private readonly lib: TfjsLibrary,
    private readonly model: GraphModel,
    json: io.ModelJSON,
    readonly engine: McEngine,
    path: string,
    notes: string[],
  ) {
    this.name = path;
    if (model.inputs.length !== 1 || model.outputs.length !== 1)
      throw new EngineError(
        `${path}: MC dropout needs a graph with one input and one output, this one has ${model.inputs.length} and ${model.outputs.length}`,
      );
    const shape = (model.inputs[0]!.shape ?? []).slice(1);
    if (shape.length === 0 || !shape.every((d) => d > 0))
      throw new EngineError(
        `${path}: the input "${model.inputs[0]!.name}" has no fixed sample shape ([${(model.inputs[0]!.shape ?? []).join(', ')}])`,
      );
    this.inputShape = shape;
    const nodes = nodesOf(json);
    this.randomOps = nodes.filter((n) => RANDOM_OPS.has(n.op));
    this.last = producer(nodes, model.outputs[0]!.name)?.op;
    this.notes.push(
      ...notes,
      'graph model: the whole graph runs every pass (its random ops draw in every run)',
    );
    if (this.randomOps.length > 0)
      this.notes.push(
        `the deterministic pass runs the graph as written: its ${this.randomOps.length} random op(s) (${this.randomOps
          .slice(0, 3)
          .map((n) => `${n.op} "${n.name}"`)
          .join(', ')}) draw there too`,
      );
  }

  private kind(width: number): OutputKind {
    return outputKindOf(
      width,
      this.last === 'Softmax' ? 'softmax' : this.last === 'Sigmoid' ? 'sigmoid' : undefined,
    );
  }

  /** One execution of the graph on rows of x: rows × classes (probabilities when `softmaxLogits`). */
  private run(
    x: Tensor,
    rng: Rng | undefined,
    softmaxLogits: boolean,
  ): { data: Float32Array; kind: OutputKind } {
    const { core } = this.lib;
    let kind: OutputKind | undefined;
    const y = core.tidy(() => {
      const input = core.tensor(x.data, x.shape);
      const execute = () => this.model.execute(input) as TfTensor;
      const out = core.reshape(rng ? withSeededRandom(rng, execute) : execute(), [x.shape[0] as number, -1]);
      kind = this.kind(out.shape[1] as number);
      return toProbabilities(this.lib, out, kind, softmaxLogits);
    });
    const data = y.dataSync() as Float32Array;
    y.dispose();
    return { data, kind: kind! };
  }

  private rowsPerBlock(budget: number): number {
    return Math.max(1, Math.floor(budget / (sizeOf(this.inputShape) * ACTIVATION_PER_INPUT)));
  }

  async deterministic(x: Tensor): Promise<Float32Array> {
    const n = x.shape[0] as number;
    const width = sizeOf(this.inputShape);
    const rows = this.rowsPerBlock(TFJS_CHUNK_ELEMENTS);
    const parts: Float32Array[] = [];
    for (let s = 0; s < n; s += rows) {
      const count = Math.min(rows, n - s);
      const block = {
        data: x.data.subarray(s * width, (s + count) * width),
        shape: [count, ...this.inputShape],
      };
      parts.push(this.run(block, undefined, true).data);
    }
    const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  async passes(x: Tensor, options: McOptions): Promise<McPasses> {
    if (this.randomOps.length === 0) throw new McNoStochasticLayerError();
    if (options.masks === 'consistent')
      throw new EngineError(
        `${this.name}: a graph model draws its random ops per element; one mask per pass ("consistent") runs on the own engine only`,
      );
    const rng = new Rng(options.seed);
    const probe = this.run(
      { data: x.data.subarray(0, sizeOf(this.inputShape)), shape: [1, ...this.inputShape] },
      rng,
      false,
    );
    return {
      base: x,
      classes: probe.kind.classes,
      probabilities: probe.kind.probabilities,
      rowBudget: this.rowsPerBlock(options.maxElements ?? TFJS_CHUNK_ELEMENTS),
      prefixLayers: 0,
      forward: (tiled) => ({
        data: this.run(tiled, rng, false).data,
        shape: [tiled.shape[0] as number, probe.kind.classes],
      }),
    };
  }

  async dispose(): Promise<void> {
    this.model.dispose();
  }
}
