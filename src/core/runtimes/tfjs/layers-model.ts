// MC dropout of a tfjs layers model on TensorFlow.js itself: every dropout-family layer (and every RNN with
// dropout) draws in the stochastic passes, BatchNormalization keeps its moving statistics (see
// training-switch.ts), and the deterministic prefix runs once per batch when the model allows it.
import type { LayersModel, layers } from '@tensorflow/tfjs-layers';
import type { Tensor as TfTensor } from '@tensorflow/tfjs-core';
import { EngineError } from '../../engine/engine-error';
import { McNoStochasticLayerError, type McOptions, type McPasses } from '../../engine/mc/mc';
import type { McEngine, McModel } from '../../engine/mc/runtime';
import { Rng } from '../../random/rng';
import { sizeOf, type Tensor } from '../../engine/tensor';
import type { TfjsLibrary } from './load-library';
import { splitAtFirstStochastic, type LayersSplit } from './layers-split';
import { installTrainingSwitch, isStochastic, leafLayers, type TrainingSwitch } from './training-switch';
import { withSeededRandom } from './seeded-random';
import { outputKind, toProbabilities, type OutputKind } from './probabilities';

/**
 * Most activations one chunk of passes may hold by default: tfjs pays per op call (a few µs) and per
 * allocation, so its chunks are deeper than the own engine's cache-sized ones (MC_CHUNK_ELEMENTS).
 */
export const TFJS_CHUNK_ELEMENTS = 1 << 22;

const widthOf = (shape: (number | null)[] | (number | null)[][]): number => {
  const first = Array.isArray(shape[0]) ? (shape as (number | null)[][]) : [shape as (number | null)[]];
  return Math.max(...first.map((s) => sizeOf(s.slice(1).map((d) => d ?? 1))));
};

/** Widest activation of the layers (elements per row), at least the input's. */
const widest = (layers: layers.Layer[], inputWidth: number) =>
  Math.max(inputWidth, ...layers.map((l) => widthOf(l.outputShape as (number | null)[])));

export class TfjsLayersMcModel implements McModel {
  readonly notes: string[] = [];
  private readonly switch: TrainingSwitch;
  /** The model's leaf layers (wrappers' inner layers counted, nested models opened). */
  private readonly layerCount: number;
  private readonly kind: OutputKind;
  private readonly stochastic: boolean;
  /** The prefix run once and the rest run per pass, or the reason the whole model runs every pass. */
  private readonly split: LayersSplit | string;

  constructor(
    private readonly lib: TfjsLibrary,
    private readonly model: LayersModel,
    readonly engine: McEngine,
    notes: string[],
    /** The sample shape (dataSampleShape: the data's for an input with free dimensions). */
    readonly inputShape: number[],
    /** Run the whole model every pass, without the prefix split (tests compare the two). */
    wholeModel = false,
  ) {
    const name = model.name;
    if (model.inputs.length !== 1 || model.outputs.length !== 1)
      throw new EngineError(
        `${name}: MC dropout needs a model with one input and one output, this one has ${model.inputs.length} and ${model.outputs.length}`,
      );
    // A Sequential model builds its graph (the nodes the split reads) on first use.
    if (model instanceof lib.layers.Sequential) model.build();
    this.switch = installTrainingSwitch(model.layers);
    this.kind = outputKind(model);
    this.stochastic = model.layers.some(isStochastic);
    this.split = wholeModel ? 'asked for' : splitAtFirstStochastic(lib, model);
    const layerCount = (this.layerCount = leafLayers(model.layers).length);
    this.notes.push(
      ...notes,
      typeof this.split === 'string'
        ? `whole model every pass: ${this.split}`
        : `prefix: ${this.split.prefixLayers} of ${layerCount} layers run once per input`,
    );
  }

  /** Runs `run` over `x` in row blocks that hold at most TFJS_CHUNK_ELEMENTS activations; n × width out. */
  private blocks(model: LayersModel, x: Tensor, map: (y: TfTensor) => TfTensor = (y) => y): Tensor {
    const n = x.shape[0] as number;
    const inWidth = sizeOf(x.shape.slice(1));
    const rows = Math.max(1, Math.floor(TFJS_CHUNK_ELEMENTS / widest(model.layers, inWidth)));
    let out: Tensor | undefined;
    for (let s = 0; s < n; s += rows) {
      const count = Math.min(rows, n - s);
      const y = this.lib.core.tidy(() => {
        const input = this.lib.core.tensor(x.data.subarray(s * inWidth, (s + count) * inWidth), [
          count,
          ...x.shape.slice(1),
        ]);
        return map(model.apply(input) as TfTensor);
      });
      const width = sizeOf(y.shape.slice(1));
      out ??= { data: new Float32Array(n * width), shape: [n, ...y.shape.slice(1)] };
      out.data.set(y.dataSync(), s * width);
      y.dispose();
    }
    return out ?? { data: new Float32Array(0), shape: [0] };
  }

  async deterministic(x: Tensor): Promise<Float32Array> {
    this.switch.stochastic = false;
    const out = this.blocks(this.model, x, (y) => toProbabilities(this.lib, y, this.kind, true));
    return out.data as Float32Array;
  }

  async passes(x: Tensor, options: McOptions): Promise<McPasses> {
    if (!this.stochastic) throw new McNoStochasticLayerError();
    if (options.masks === 'consistent')
      throw new EngineError(
        `${this.model.name}: TensorFlow.js draws a fresh mask for every sample; one mask per pass ("consistent") runs on the own engine only`,
      );
    const split = this.split;
    const rest = typeof split === 'string' ? this.model : split.rest;
    this.switch.stochastic = false;
    const base = typeof split === 'string' ? x : this.blocks(split.prefix, x);
    const baseWidth = sizeOf(base.shape.slice(1));
    const rng = new Rng(options.seed);
    const classes = this.kind.classes;
    return {
      base,
      classes,
      probabilities: this.kind.probabilities,
      rowBudget: Math.max(
        1,
        Math.floor((options.maxElements ?? TFJS_CHUNK_ELEMENTS) / widest(rest.layers, baseWidth)),
      ),
      prefixLayers: typeof split === 'string' ? 0 : split.prefixLayers,
      layers: this.layerCount,
      forward: (tiled) => {
        this.switch.stochastic = true;
        try {
          const y = this.lib.core.tidy(() =>
            withSeededRandom(rng, () => {
              const input = this.lib.core.tensor(tiled.data, tiled.shape);
              return toProbabilities(this.lib, rest.apply(input) as TfTensor, this.kind, false);
            }),
          );
          const data = y.dataSync() as Float32Array;
          y.dispose();
          return { data, shape: [tiled.shape[0] as number, classes] };
        } finally {
          this.switch.stochastic = false;
        }
      },
    };
  }

  async dispose(): Promise<void> {
    this.model.dispose();
  }
}
