// Inference over an IR graph as a DAG: every layer runs once, in the graph's topological order, on the
// tensors its inputs name. Weights come from the file (ONNX initializers and Constant nodes through the
// ONNX reader, tfjs layers weights through their manifest). Dropout is off unless `stochastic` is set
// (MC dropout) or an ONNX Dropout asks for training mode. An op the executor lacks is named with its node.
import { loadOnnxTensor } from '../../formats/onnx/reader';
import type { LoadedTensor } from '../../formats/onnx/tensors';
import type { ModelSource } from '../../formats/reader';
import { isKerasConfig, type Graph, type Layer } from '../../model/ir';
import { onnxOpset } from '../../model/onnx-opset';
import { ONNX_OPS, onnxNodeLimit } from './onnx-ops';
import type { Op, OpContext } from './ops';
import { tensor } from './tensor-ops';
import { loadTfjsLayerWeights, tfjsLayerLimit, tfjsOp } from './tfjs-ops';
import type { Kernels } from '../kernels/kernels';
import type { PassBlocks } from '../layers/layer';
import { kernelsFor } from '../kernels/select';
import { EngineError } from '../engine-error';
import { Rng } from '../../random/rng';
import type { Tensor } from '../tensor';

export interface RunOptions {
  /** Dropout layers draw masks (MC dropout). */
  stochastic?: boolean;
  rng?: Rng;
  /** A layer's own mask stream instead of `rng` (MC passes: then the masks do not depend on the batching). */
  rngOf?: (layer: Layer) => Rng | undefined;
  /** Consecutive rows sharing one dropout mask. */
  maskRows?: number;
  /** MC passes: where the rows sit in the whole run (see ForwardContext.blocks). */
  blocks?: PassBlocks;
}

/** Where a run resumes: tensors already computed (by name) and the index of the first layer to run. */
export interface Resume {
  values: ReadonlyMap<string, Tensor>;
  from: number;
}

/** A layer's input and output tensor names: ONNX keeps the node's; other formats name tensors by layer. */
export function io(layer: Layer): { inputs: string[]; outputs: string[] } {
  return layer.tensors ?? { inputs: layer.inputs, outputs: [layer.id] };
}

function opFor(graph: Graph, layer: Layer): Op | string {
  if (graph.format === 'onnx') return onnxNodeLimit(layer) ?? ONNX_OPS.get(layer.originalOp) ?? 'unsupported';
  if (isKerasConfig(graph.format)) return tfjsLayerLimit(layer) ?? tfjsOp(layer) ?? 'unsupported';
  return 'unsupported';
}

/** Why the graph cannot run (the first layer the executor lacks), or undefined when it can. */
export function unsupportedLayer(graph: Graph): string | undefined {
  let index = 0;
  for (const layer of graph.layers) {
    if (layer.op === 'input' || (graph.format === 'onnx' && layer.originalOp === 'Constant')) {
      index++;
      continue;
    }
    const op = opFor(graph, layer);
    const at = `at node "${layer.name}" (#${layer.source.nodeIndex ?? index})`;
    if (op === 'unsupported') return `unsupported op "${layer.originalOp}" ${at}`;
    if (typeof op === 'string') return `op "${layer.originalOp}" ${at}: ${op}`;
    index++;
  }
  return undefined;
}

export function fromLoaded(t: LoadedTensor): Tensor {
  const data =
    t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as ArrayLike<number>, Number);
  return tensor(t.dims, data);
}

export class GraphRunner {
  private constructor(
    readonly graph: Graph,
    private readonly ops: Map<Layer, Op>,
    private readonly constants: Map<string, Tensor>,
    private readonly weights: Map<string, Tensor>,
    private readonly kernels: Kernels,
  ) {}

  /** Checks every op and loads the weights; `source` is the model file (tfjs: for the weight shards). */
  static async load(graph: Graph, source?: ModelSource, kernels = kernelsFor()): Promise<GraphRunner> {
    const why = unsupportedLayer(graph);
    if (why) throw new EngineError(why);
    const ops = new Map<Layer, Op>();
    const produced = new Set(graph.layers.flatMap((l) => (l.op === 'input' ? io(l).outputs : [])));
    const constants = new Map<string, Tensor>();
    for (const layer of graph.layers) {
      const { inputs, outputs } = io(layer);
      if (graph.format === 'onnx') {
        const isConstant = layer.originalOp === 'Constant';
        for (const name of isConstant ? outputs.slice(0, 1) : inputs)
          if (name && !produced.has(name) && !constants.has(name))
            constants.set(name, fromLoaded(await loadOnnxTensor(graph, name)));
        if (isConstant) continue;
      }
      outputs.forEach((o) => produced.add(o));
      if (layer.op !== 'input') ops.set(layer, opFor(graph, layer) as Op);
    }
    const weights = isKerasConfig(graph.format) ? await loadTfjsLayerWeights(graph, source) : new Map();
    return new GraphRunner(graph, ops, constants, weights, kernels);
  }

  /** `feeds` by graph input name; returns the graph's outputs by name. */
  run(feeds: Record<string, Tensor>, options: RunOptions = {}): Record<string, Tensor> {
    return this.outputsOf(this.compute(this.fed(feeds), 0, this.graph.layers.length, options));
  }

  /** Every tensor the first `end` layers compute (in inference mode), by name: a prefix to resume from. */
  runPrefix(feeds: Record<string, Tensor>, end: number): Map<string, Tensor> {
    return this.compute(this.fed(feeds), 0, end, {});
  }

  /** The rest of the graph from `resume.from`, on tensors a prefix computed (possibly tiled since). */
  resume(resume: Resume, options: RunOptions = {}): Record<string, Tensor> {
    const values = new Map([...this.constants, ...resume.values]);
    return this.outputsOf(this.compute(values, resume.from, this.graph.layers.length, options));
  }

  private fed(feeds: Record<string, Tensor>): Map<string, Tensor> {
    const values = new Map(this.constants);
    for (const info of this.graph.inputs) {
      const feed = feeds[info.name];
      if (!feed) throw new EngineError(`no value for the graph input "${info.name}"`);
      const layer = this.graph.layers.find((l) => l.id === info.layerId);
      values.set(layer ? (io(layer).outputs[0] as string) : info.name, feed);
    }
    return values;
  }

  private compute(
    values: Map<string, Tensor>,
    from: number,
    end: number,
    options: RunOptions,
  ): Map<string, Tensor> {
    const base = {
      opset: onnxOpset(this.graph),
      stochastic: options.stochastic === true,
      kernels: this.kernels,
    };
    const rng = options.rng ?? new Rng(1);
    for (let index = from; index < end; index++) {
      const layer = this.graph.layers[index]!;
      const op = this.ops.get(layer);
      if (!op) continue;
      const names = io(layer);
      const inputs = names.inputs.map((n) => (n ? values.get(n) : undefined));
      const ctx: OpContext = {
        ...{ ...base, layer, rng: options.rngOf?.(layer) ?? rng, maskRows: options.maskRows ?? 1 },
        blocks: options.blocks,
        weight: (name) => {
          const w = this.weights.get(`${layer.name}/${name}`);
          if (!w) throw new EngineError(`layer "${layer.name}" has no weight "${name}" in the file`);
          return w;
        },
      };
      let outputs: Tensor[];
      try {
        outputs = op(inputs, ctx);
      } catch (e) {
        const at = `node "${layer.name}" (#${layer.source.nodeIndex ?? index}, ${layer.originalOp})`;
        throw new EngineError(`${at}: ${(e as Error).message}`);
      }
      names.outputs.forEach((n, i) => n && outputs[i] && values.set(n, outputs[i] as Tensor));
    }
    return values;
  }

  private outputsOf(values: Map<string, Tensor>): Record<string, Tensor> {
    const result: Record<string, Tensor> = {};
    for (const info of this.graph.outputs) {
      const value = values.get(info.name) ?? (info.layerId ? values.get(info.layerId) : undefined);
      if (!value) throw new EngineError(`the graph output "${info.name}" was not computed`);
      result[info.name] = value;
    }
    return result;
  }
}
