// One MC-dropout run of a model (any runtime: an McModel) over a DataStream, a batch of samples at a
// time, so 10,000 images never sit decoded in memory at once. Per batch: one deterministic pass, then T
// stochastic passes through runMcPasses (the deterministic prefix once), then the batch's statistics are
// folded into per-sample records (records.ts) and dropped. What stays is bounded: a few scalars per
// sample, the most uncertain samples with their distributions, and the running figures per pass count.
//
// Seeding: every stochastic layer draws a (pass, batch) block from the place in its stream that block has
// in one batch over every sample (McOptions.window), so the figures are the same for any batch size.
import { DataError } from '../../data/dataset';
import type { DataStream, SampleBatch } from '../../data/stream';
import { EngineError } from '../engine-error';
import { sizeOf } from '../tensor';
import { planeFor, runMcOver, type McGrid } from './grid';
import type { McOptions } from './mc';
import { McRecords } from './records';
import { recordScores, samples, summaryOf, type McSample, type McScores, type McSummary } from './report';
import type { McEngine, McModel } from './runtime';
import { NLL_FLOOR, type McStats } from './uncertainty';

/** Float32 values one batch's activations may take, estimated as ACTIVATION_FACTOR × its inputs. */
export const MC_BATCH_FLOATS = 1 << 25;
/** A conv net's widest activations are a few times its input (MobileNetV2 at 224²: ~8×). */
const ACTIVATION_FACTOR = 16;

export interface McStreamOptions extends McOptions {
  /** Samples per batch; default: as many as MC_BATCH_FLOATS allow (at least 1). */
  batchSize?: number;
  /** The most uncertain samples kept with their distributions (default 8). */
  top?: number;
  /** Classes listed per kept sample, the most probable first (default 20). */
  maxClasses?: number;
  /** Keep every sample with its distribution too (`samples`), when the model has at most `maxClasses`. */
  everySample?: boolean;
  /** Keep the kept samples' per-pass probabilities when a batch's passes × samples × classes is at most this. */
  keepPassValues?: number;
  /** On 2-D data in one batch: also map the uncertainty over a grid of this many cells per side. */
  grid?: number;
}

export interface McProgress {
  /** Passes done in the current batch, of `passes`. */
  passesDone: number;
  passes: number;
  /** Samples whose batches are done, of `samples`; the current batch has `batchSamples`. */
  samplesDone: number;
  samples: number;
  batchSamples: number;
  batch: number;
  batches: number;
  /** Of the whole run's passes × samples. */
  fraction: number;
  elapsedMs: number;
}

export interface McStreamHooks {
  /** After every chunk of passes. */
  onProgress?(progress: McProgress): void;
  /** Every `every` passes and after each batch; `result` builds the run so far (call it only to show it). */
  onPartial?(progress: McProgress, result: () => McRunResult): void;
  /** The maps over the plane so far (2-D data). */
  onGrid?(grid: McGrid): void;
  /** Each chunk's probabilities (see McHooks.onChunk), of the current batch's samples. */
  onChunk?(probs: Float32Array, first: number, passes: number): void;
  isCancelled?(): boolean;
  /** Awaited between chunks; the worker gives the event loop a turn here. */
  pause?(): Promise<void> | void;
}

export interface McKeptSample extends McSample {
  /** Each pass's probabilities of the listed classes (passes × classes), when kept. */
  passes?: number[][];
}

/** The mean figures of every sample done after `passes` passes: how they settle as T grows. */
export interface McConvergencePoint extends Partial<Pick<McScores, 'accuracy' | 'nll'>> {
  passes: number;
  meanEntropy: number;
  meanMutualInfo: number;
  meanVariance: number;
}

export interface McRunResult {
  engine: McEngine;
  notes: string[];
  /** Passes requested. */
  passes: number;
  labelled: boolean;
  summary: McSummary;
  /** One pass in inference mode, on the same samples; empty without labels. */
  deterministic: Partial<McScores>;
  /** The `top` samples with the highest predictive entropy, most uncertain first. */
  uncertain: McKeptSample[];
  /** Every sample in stream order, when asked for and the classes are few enough. */
  samples?: McSample[];
  convergence: McConvergencePoint[];
  /** Layers (nodes) run once per input, of the model's `total` (when the runtime says). */
  prefix: { once: number; total?: number };
  grid?: McGrid;
  cancelled: boolean;
}

/** Samples per batch for a model whose samples have `sampleFloats` values. */
export const batchSizeFor = (sampleFloats: number, count: number): number =>
  Math.max(1, Math.min(count, Math.floor(MC_BATCH_FLOATS / (ACTIVATION_FACTOR * Math.max(1, sampleFloats)))));

/** Running sums per pass count, for the convergence figures. */
interface Sums {
  samples: number;
  entropy: number;
  mutualInfo: number;
  variance: number;
  correct: number;
  nll: number;
}

/** The per-pass probabilities of sample `row` (of n) in the kept chunks, for the listed classes. */
function passesOf(
  chunks: Float32Array[],
  row: number,
  n: number,
  classes: number,
  listed?: number[],
): number[][] {
  const out: number[][] = [];
  for (const chunk of chunks)
    for (let t = 0; t < chunk.length / (n * classes); t++) {
      const o = (t * n + row) * classes;
      out.push(
        listed ? listed.map((j) => chunk[o + j] as number) : Array.from(chunk.subarray(o, o + classes)),
      );
    }
  return out;
}

const byEntropy = (a: McSample, b: McSample) => b.entropy - a.entropy;

export async function runMcStream(
  model: McModel,
  stream: DataStream,
  options: McStreamOptions,
  hooks: McStreamHooks = {},
): Promise<McRunResult> {
  const started = performance.now();
  const sampleFloats = sizeOf(model.inputShape);
  const total = stream.count;
  const size = options.batchSize ?? batchSizeFor(sampleFloats, total);
  const batches = Math.max(1, Math.ceil(total / size));
  const top = options.top ?? 8;
  const maxClasses = options.maxClasses ?? 20;
  const records = new McRecords(total);
  const deterministic = new McRecords(total);
  const sums = new Map<number, Sums>();
  let classes = 0;
  let prefix: McRunResult['prefix'] = { once: 0 };
  let uncertain: McKeptSample[] = [];
  const every: McSample[] = [];
  let grid: McGrid | undefined;
  let cancelled = false;
  let samplesDone = 0;
  let batchIndex = 0;
  let current: { batch: SampleBatch; stats?: McStats } | undefined;
  /** Passes behind the records: all of them, unless the run was cancelled inside a batch. */
  let recordPasses = options.passes;

  const progress = (passesDone: number, batchSamples: number): McProgress => ({
    passesDone,
    passes: options.passes,
    samplesDone,
    samples: total,
    batchSamples,
    batch: batchIndex,
    batches,
    fraction:
      total > 0 ? (samplesDone * options.passes + batchSamples * passesDone) / (total * options.passes) : 1,
    elapsedMs: performance.now() - started,
  });
  const keptOf = (stats: McStats, batch: SampleBatch) =>
    samples(stats, batch.y, top, { maxClasses, offset: batch.start });
  const result = (): McRunResult => {
    const partial = current?.stats ? keptOf(current.stats, current.batch) : [];
    const done = records.n;
    const passes = current?.stats?.passes ?? recordPasses;
    const figures = [...sums.entries()]
      .filter(([, s]) => s.samples === done && done > 0)
      .sort(([a], [b]) => a - b);
    return {
      engine: model.engine,
      notes: model.notes,
      passes: options.passes,
      labelled: records.labelled,
      summary: summaryOf(records, passes, classes),
      deterministic: recordScores(deterministic),
      uncertain: [...uncertain, ...partial].sort(byEntropy).slice(0, top),
      ...(options.everySample && classes <= maxClasses ? { samples: every } : {}),
      convergence: figures.map(([p, s]) => ({
        passes: p,
        meanEntropy: s.entropy / s.samples,
        meanMutualInfo: s.mutualInfo / s.samples,
        meanVariance: s.variance / s.samples,
        ...(records.labelled ? { accuracy: s.correct / s.samples, nll: s.nll / s.samples } : {}),
      })),
      prefix,
      ...(grid ? { grid } : {}),
      cancelled,
    };
  };
  /** Writes the batch's records at `stats.passes` passes and adds them to that pass count's sums. */
  const fold = (stats: McStats, batch: SampleBatch) => {
    records.write(batch.start, stats, batch.y);
    const s = sums.get(stats.passes) ?? {
      samples: 0,
      entropy: 0,
      mutualInfo: 0,
      variance: 0,
      correct: 0,
      nll: 0,
    };
    for (let i = batch.start; i < batch.start + batch.n; i++) {
      s.entropy += records.entropy[i] as number;
      s.mutualInfo += records.mutualInfo[i] as number;
      s.variance += records.variance[i] as number;
      s.correct += records.pred[i] === records.label[i] ? 1 : 0;
      s.nll -= Math.log(Math.max(records.labelProb[i] as number, NLL_FLOOR));
    }
    s.samples = batch.start + batch.n;
    sums.set(stats.passes, s);
  };

  for await (const batch of stream.batches(size)) {
    if (hooks.isCancelled?.()) {
      cancelled = true;
      break;
    }
    if (batch.x.length !== batch.n * sampleFloats)
      throw new EngineError(
        `${stream.name}: the samples have ${batch.x.length / Math.max(1, batch.n)} values, ` +
          `the model's input [${model.inputShape.join(', ')}] needs ${sampleFloats}`,
      );
    checkFinite(stream, batch, batch.x, 'input');
    const x = { data: batch.x, shape: [batch.n, ...model.inputShape] };
    const probs = await model.deterministic(x);
    classes = probs.length / Math.max(1, batch.n);
    checkFinite(stream, batch, probs, 'output');
    checkLabels(stream, batch, classes);
    deterministic.writeProbs(batch.start, probs, classes, batch.y);
    current = { batch };
    const chunks: Float32Array[] = [];
    let kept = 0;
    const keep = (options.keepPassValues ?? 0) >= batch.n * classes * options.passes;
    const plane =
      batches === 1 && options.grid
        ? planeFor({ x: batch.x, y: batch.y, n: batch.n, shape: model.inputShape, classes }, options.grid)
        : undefined;
    const run = await runMcOver(
      async (rows, o) => {
        const passes = await model.passes(rows, o);
        if (rows === x)
          prefix = { once: passes.prefixLayers, ...(passes.layers ? { total: passes.layers } : {}) };
        return passes;
      },
      x,
      plane,
      { ...options, window: { offset: batch.start, total } },
      {
        isCancelled: () => hooks.isCancelled?.() ?? false,
        pause: () => hooks.pause?.(),
        onChunk: (chunk, first, k) => {
          if (keep) chunks.push(chunk.slice());
          hooks.onChunk?.(chunk, first, k);
          kept = first + k;
          hooks.onProgress?.(progress(kept, batch.n));
        },
        onGrid: (g) => {
          grid = g;
          hooks.onGrid?.(g);
        },
        onPartial: (stats) => {
          current = { batch, stats };
          fold(stats, batch);
          // The batch's last partial is reported once the batch is done, with its kept passes.
          if (stats.passes < options.passes) hooks.onPartial?.(progress(stats.passes, batch.n), result);
        },
      },
    );
    grid = run.grid ?? grid;
    current = undefined;
    records.write(batch.start, run.stats, batch.y);
    const listed = keptOf(run.stats, batch).map((s) => ({
      ...s,
      ...(keep ? { passes: passesOf(chunks, s.index - batch.start, batch.n, classes, s.classes) } : {}),
    }));
    uncertain = [...uncertain, ...listed].sort(byEntropy).slice(0, top);
    if (options.everySample && classes <= maxClasses)
      every.push(...samples(run.stats, batch.y, undefined, { offset: batch.start }));
    if (run.cancelled) {
      cancelled = true;
      recordPasses = run.stats.passes;
      break;
    }
    samplesDone += batch.n;
    batchIndex++;
    hooks.onPartial?.(progress(options.passes, 0), result);
  }
  return result();
}

/**
 * A NaN or infinite value would come out as the most certain sample (entropy 0): refused, naming the
 * sample, whether it is in the data (`input`) or made by the model from finite data (`output`).
 */
function checkFinite(
  stream: DataStream,
  batch: SampleBatch,
  values: ArrayLike<number>,
  what: 'input' | 'output',
) {
  const per = values.length / Math.max(1, batch.n);
  for (let i = 0; i < values.length; i++)
    if (!Number.isFinite(values[i] as number)) {
      const name = stream.sampleName(batch.start + Math.floor(i / per));
      throw new DataError(
        what === 'input'
          ? `${stream.name}: sample ${name} has a value that is not a finite number (${values[i]})`
          : `${stream.name}: the model's output for sample ${name} is not a finite number (${values[i]})`,
      );
    }
}

/** Labels name the model's classes 0 … classes − 1 (−1: none); a class folder or label beyond them is refused. */
function checkLabels(stream: DataStream, batch: SampleBatch, classes: number) {
  if (stream.classNames !== undefined && stream.classNames.length > classes)
    throw new DataError(
      `${stream.name}: ${stream.classNames.length} class folders (${stream.classNames.join(', ')}), ` +
        `but the model has ${classes} classes`,
    );
  for (let i = 0; i < batch.n; i++) {
    const label = batch.y[i] as number;
    if (label < -1 || label >= classes)
      throw new DataError(
        `${stream.name}: sample ${stream.sampleName(batch.start + i)} has label ${label}; ` +
          `the model has ${classes} classes (0 to ${classes - 1})`,
      );
  }
}
