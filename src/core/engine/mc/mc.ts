// MC dropout (Gal & Ghahramani 2016): T stochastic passes with every dropout-family layer on and
// everything else, batchnorm included, in inference mode (batchnorm in training mode would normalise each
// pass by its own batch: RULES.md's mc-batchnorm-in-train-mode, which this never does). The layers before
// the first stochastic one give the same output on every pass, so they run once; the rest run on that
// prefix output tiled k passes deep (one big batch instead of k small ones), chunked so a chunk holds at
// most `maxElements` activations. Per-sample mean and variance of the softmax probabilities are kept with
// Welford's update and handed out as partial results while the passes accumulate.
import { Dense } from '../layers/dense';
import { Dropout } from '../layers/dropout';
import type { Kernels } from '../kernels/kernels';
import { EngineError } from '../engine-error';
import type { EngineLayer, ForwardContext } from '../layers/layer';
import type { Network } from '../network';
import { Rng } from '../../random/rng';
import { softmaxRows } from '../layers/activations';
import { Workspace, sizeOf, type Tensor } from '../tensor';
import { argmaxOf, entropyOf, type McStats } from './uncertainty';

export interface McOptions {
  passes: number;
  seed: number;
  /** fresh: every sample of every pass draws its own masks; consistent: one mask per pass for all samples. */
  masks?: 'fresh' | 'consistent';
  /** Partial results after every `every` passes (chunks never straddle a multiple of it). Default 10. */
  every?: number;
  /** Most activations one chunk may hold (tiled rows × widest layer). Default MC_CHUNK_ELEMENTS. */
  maxElements?: number;
  /**
   * The rows are samples [offset, offset + n) of a run over `total` samples (one batch of a stream): masks
   * are drawn as they would be in one batch over all of them. Default: the rows are the whole run.
   */
  window?: { offset: number; total: number };
}

/** The passes a chunk's tiled rows hold: first, first + 1, …, first + passes − 1. */
export interface PassSpan {
  first: number;
  passes: number;
}

/**
 * 1 MiB of float32 per layer buffer: a chunk's activations stay in cache from one layer to the next. On
 * W3 (256 rows, widest layer 784) that is one pass per chunk; deeper chunks measured no faster, only
 * larger (each extra pass adds cache misses, while the per-chunk overhead is a few calls).
 */
export const MC_CHUNK_ELEMENTS = 1 << 18;

export interface McHooks {
  onPartial?(stats: McStats): void;
  /** Each chunk's probabilities, passes × n × classes, pass-major, starting at pass `first` (0-based). */
  onChunk?(probs: Float32Array, first: number, passes: number): void;
  isCancelled?(): boolean;
  /** Awaited between chunks; the worker gives the event loop a turn here. */
  pause?(): Promise<void> | void;
}

export interface McResult {
  stats: McStats;
  cancelled: boolean;
  /** Layers run once, before the first stochastic one. */
  prefixLayers: number;
}

/** MC uncertainty asked of a network whose passes would all be identical (variance exactly 0). */
export class McNoStochasticLayerError extends EngineError {
  readonly rule = 'mc-no-stochastic-layer';
  constructor() {
    super(
      'mc-no-stochastic-layer: the model has no dropout-family layer with a rate above 0, so every MC pass ' +
        'would give the same output and the variance would be exactly 0. Add a dropout layer (e.g. ' +
        '{ "type": "dropout", "rate": 0.2 } after a hidden layer) and train again.',
    );
  }
}

export function isStochastic(layer: EngineLayer): boolean {
  if (layer instanceof Dropout) return layer.level() > 0;
  return layer instanceof Dense && Number(layer.config().dropConnect ?? 0) > 0;
}

/** Index of the first stochastic layer, or −1. */
export const firstStochastic = (net: Network): number => net.layers.findIndex(isStochastic);

const endsInSoftmax = (net: Network) => {
  const last = net.layers[net.layers.length - 1];
  return last !== undefined && last.config().activation === 'softmax' && last.kind === 'activation';
};

/** Welford's running mean and M2 per sample and class, plus running expected entropy and votes. */
export class McAccumulator {
  private count = 0;
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;
  private readonly expectedEntropy: Float64Array;
  private readonly votes: Int32Array;

  constructor(
    readonly n: number,
    readonly classes: number,
  ) {
    this.mean = new Float64Array(n * classes);
    this.m2 = new Float64Array(n * classes);
    this.expectedEntropy = new Float64Array(n);
    this.votes = new Int32Array(n * classes);
  }

  /** Adds `passes` passes of n × classes probabilities (pass-major). */
  add(probs: ArrayLike<number>, passes: number): void {
    const { n, classes, mean, m2 } = this;
    const size = n * classes;
    for (let t = 0; t < passes; t++) {
      const k = ++this.count;
      const base = t * size;
      for (let i = 0; i < size; i++) {
        const p = probs[base + i] as number;
        const d = p - (mean[i] as number);
        mean[i] = (mean[i] as number) + d / k;
        m2[i] = (m2[i] as number) + d * (p - (mean[i] as number));
      }
      for (let r = 0; r < n; r++) {
        const o = base + r * classes;
        const h = entropyOf(probs, o, classes);
        this.expectedEntropy[r] =
          (this.expectedEntropy[r] as number) + (h - (this.expectedEntropy[r] as number)) / k;
        const v = r * classes + argmaxOf(probs, o, classes);
        this.votes[v] = (this.votes[v] as number) + 1;
      }
    }
  }

  /** A copy of the statistics so far. */
  stats(): McStats {
    const k = this.count;
    return {
      passes: k,
      n: this.n,
      classes: this.classes,
      mean: this.mean.slice(),
      variance: this.m2.map((v) => (k > 0 ? v / k : 0)),
      expectedEntropy: this.expectedEntropy.slice(),
      votes: this.votes.slice(),
    };
  }
}

/** Runs `layers` over `x` in row blocks of at most `rows` rows, into a new n × width buffer. */
function runBlocks(layers: EngineLayer[], x: Tensor, ctx: ForwardContext, rows: number): Tensor {
  const n = x.shape[0] as number;
  const inWidth = sizeOf(x.shape.slice(1));
  let out: Tensor | undefined;
  for (let s = 0; s < n; s += rows) {
    const count = Math.min(rows, n - s);
    let t: Tensor = {
      data: x.data.subarray(s * inWidth, (s + count) * inWidth),
      shape: [count, ...x.shape.slice(1)],
    };
    for (const layer of layers) t = layer.forward(t, ctx);
    const width = sizeOf(t.shape.slice(1));
    out ??= { data: new Float32Array(n * width), shape: [n, ...t.shape.slice(1)] };
    out.data.set(t.data, s * width);
  }
  return out ?? { data: new Float32Array(0), shape: [0] };
}

/** Softmax probabilities of one deterministic pass (inference mode everywhere), n × classes. */
export function deterministicProbs(net: Network, x: Tensor, maxElements = 1 << 22): Float32Array {
  const widest = Math.max(...net.layers.map((l) => sizeOf(l.outputShape)), sizeOf(x.shape.slice(1)));
  const out = runBlocks(
    net.layers,
    x,
    { training: false, rng: new Rng(0) },
    Math.max(1, Math.floor(maxElements / widest)),
  );
  const probs = Float32Array.from(out.data);
  if (!endsInSoftmax(net)) softmaxRows(probs, out.data, sizeOf(out.shape.slice(1)));
  return probs;
}

/**
 * What the pass loop needs of a model: the output of its deterministic prefix for the n rows (run once)
 * and its stochastic rest, run on that output tiled k passes deep. Networks and file graphs both give one.
 */
export interface McPasses {
  /** The prefix output, n × …. */
  base: Tensor;
  classes: number;
  /** The outputs are probabilities already (the model ends in softmax). */
  probabilities: boolean;
  /** Most rows one chunk may hold. */
  rowBudget: number;
  /** Each pass must be its own batch (DropConnect draws one weight mask per batch). */
  passPerChunk?: boolean;
  prefixLayers: number;
  /** Layers (nodes) of the whole model, of which the first `prefixLayers` run once; when known. */
  layers?: number;
  /** Allocates the tiled rows where the model's kernels read them without a copy. */
  kernels?: Pick<Kernels, 'alloc'>;
  /** forward reads only the span and its own copy of the prefix output: the loop passes no tiled rows. */
  untiled?: boolean;
  /**
   * The stochastic rest over k·n tiled rows (passes `span`); returns k·n × classes (a runtime outside the
   * engine answers later).
   */
  forward(tiled: Tensor, span: PassSpan): Tensor | Promise<Tensor>;
}

const EMPTY = new Float32Array(0);

/** T MC-dropout passes of `model` (see McPasses), with partial results, chunked and cancellable. */
export async function runMcPasses(
  model: McPasses,
  options: McOptions,
  hooks: McHooks = {},
): Promise<McResult> {
  if (!(Number.isInteger(options.passes) && options.passes > 0))
    throw new EngineError(`MC dropout needs a whole number of passes ≥ 1, not ${options.passes}`);
  const { base, classes, prefixLayers } = model;
  const n = base.shape[0] as number;
  const every = Math.max(1, options.every ?? 10);
  const chunkPasses = model.passPerChunk
    ? 1
    : Math.max(1, Math.min(every, Math.floor(model.rowBudget / Math.max(1, n))));
  const width = sizeOf(base.shape.slice(1));
  const ws = new Workspace('float32', model.kernels);
  const acc = new McAccumulator(n, classes);
  for (let done = 0; done < options.passes;) {
    if (hooks.isCancelled?.()) return { stats: acc.stats(), cancelled: true, prefixLayers };
    const k = Math.min(chunkPasses, options.passes - done, every - (done % every));
    const shape = [k * n, ...base.shape.slice(1)];
    const tiled = model.untiled ? { data: EMPTY, shape } : ws.tensor('tiled', shape);
    if (!model.untiled) for (let p = 0; p < k; p++) tiled.data.set(base.data, p * n * width);
    const t = await model.forward(tiled, { first: done, passes: k });
    const probs = ws.tensor('probs', [k * n, classes]).data as Float32Array;
    if (model.probabilities) probs.set(t.data);
    else softmaxRows(probs, t.data, classes);
    hooks.onChunk?.(probs, done, k);
    acc.add(probs, k);
    done += k;
    if (done % every === 0 || done === options.passes) hooks.onPartial?.(acc.stats());
    await hooks.pause?.();
  }
  return { stats: acc.stats(), cancelled: false, prefixLayers };
}

/** The MC passes of `net` over the n rows of `x`. Throws McNoStochasticLayerError when there is nothing random. */
export function networkMcPasses(net: Network, x: Tensor, options: McOptions): McPasses {
  const start = firstStochastic(net);
  if (start < 0) throw new McNoStochasticLayerError();
  const n = x.shape[0] as number;
  const consistent = options.masks === 'consistent';
  const prefix = net.layers.slice(0, start);
  const suffix = net.layers.slice(start);
  const widest = Math.max(...net.layers.map((l) => sizeOf(l.outputShape)), sizeOf(net.inputShape));
  const rowBudget = Math.max(1, Math.floor((options.maxElements ?? MC_CHUNK_ELEMENTS) / widest));
  // Each stochastic layer draws from its own stream, so the masks do not depend on the chunk size.
  const rng = new Rng(options.seed);
  const inference: ForwardContext = { training: false, rng };
  const contexts = suffix.map<ForwardContext>((layer) =>
    isStochastic(layer) ? { training: true, rng: rng.fork(), maskRows: consistent ? n : 1 } : inference,
  );
  const { offset, total } = options.window ?? { offset: 0, total: n };
  return {
    base: runBlocks(prefix, x, inference, rowBudget),
    classes: sizeOf(net.outputShape),
    probabilities: endsInSoftmax(net),
    rowBudget,
    passPerChunk: suffix.some((l) => l instanceof Dense && isStochastic(l)),
    prefixLayers: start,
    layers: net.layers.length,
    kernels: net.kernels,
    forward: (tiled, span) => {
      const blocks = { ...span, offset, samples: n, total, consistent };
      return suffix.reduce((t, layer, i) => {
        const ctx = contexts[i] as ForwardContext;
        return layer.forward(t, ctx === inference ? ctx : { ...ctx, blocks });
      }, tiled);
    },
  };
}

/** T MC-dropout passes over the n rows of `x`. Throws McNoStochasticLayerError when there is nothing random. */
export async function runMc(
  net: Network,
  x: Tensor,
  options: McOptions,
  hooks: McHooks = {},
): Promise<McResult> {
  return runMcPasses(networkMcPasses(net, x, options), options, hooks);
}
