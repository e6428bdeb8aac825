// Messages between the extension host and the engine worker. The only contract the two sides share:
// each job kind names its request, its progress events and its result.
import type { LintConfig } from '../core/lint/config';
import type { WireLintResult } from '../core/lint/wire-lint';
import type { WeightStats } from '../core/model/weight-stats';
import type { WireModel } from './model-view';
import type { McSample, McScores, McSummary } from '../core/engine/mc/report';
import type { EpochMetrics, OptimizerSpec } from '../core/engine/train/train';
import type { BoundaryGrid } from '../core/engine/train/boundary';
import type { McGrid } from '../core/engine/mc/grid';
import type { McProgress } from '../core/engine/mc/run-stream';
import type { McEngine } from '../core/engine/mc/runtime';
import type { TrainHint } from '../core/engine/train/hints';
import type { WorkersChoice } from '../core/engine/train/workers-choice';
import type { NetworkRecord } from '../core/model/network-spec';
import type { TrainingSpec } from '../core/model/training-spec';
import {
  isArrayOf,
  isBool,
  isInt,
  isJsonNumber,
  isObj,
  isRecordOf,
  isShortString,
  isStr,
  optional,
  preview,
  type Obj,
} from './guards';
import { isImagePreprocessing, type ImagePreprocessing } from './preprocessing';

/** Lint results cross as core/lint's plain-data form (the editor's own lint path produces it too). */
export type { WireFinding, WireLintResult, WireRange } from '../core/lint/wire-lint';
export type { McProgress } from '../core/engine/mc/run-stream';

/** Set to 1 by the fault and load tests only: enables the `fault` and `probe` jobs. */
export const TEST_HOOKS_ENV = 'DROPOUT_LENS_TEST_HOOKS';

export interface Jobs {
  lint: {
    request: { files: string[]; config: LintConfig };
    progress: { done: number; total: number; result: WireLintResult };
    result: { files: number; findings: number; errors: number };
  };
  /**
   * Trains the runs of an experiment on a model file's network, one after another from the same seed:
   * the worker expands `experiment` (default: as is) into its runs.
   */
  train: {
    request: {
      model: string;
      data?: string;
      /** CSV data: the header name of the class column (default "label"). */
      labelColumn?: string;
      epochs?: number;
      seed?: number;
      experiment?: Experiment;
      /** 2-D data: send a decision grid of `size`² cells every `every` epochs (and after the last). */
      boundary?: { size: number; every: number };
      /** Threads each run trains on (setting dropoutLens.train.workers); default 1. */
      workers?: WorkersChoice;
    };
    /**
     * Per run: first `setup` (epoch 0; the job's first event also lists its `runs`), then per epoch with
     * `metrics` (and `boundary` when asked), on a timer inside long epochs with the batch position, and
     * once it ends, the trained run (also when it was cancelled). The finished events are the only copy
     * of the runs and their weights: the result carries none.
     */
    progress: TrainProgress | RunFinished;
    result: Record<string, never>;
  };
  /** Loss and accuracy of trained weights on the validation split the same seed gives in training. */
  evaluate: {
    request: { model: string; data?: string; seed?: number; weights: Record<string, number[]> };
    progress: never;
    result: { n: number; loss: number; accuracy: number };
  };
  /**
   * Reads and lints one model for the model view. `bytes` come from an editor (maybe unsaved text);
   * without them the worker reads the file, so a 100 MB ONNX file never passes through the host.
   * `lint` is the same result a lint job gives, for the Problems panel of files without a text editor.
   */
  model: {
    request: { path: string; bytes?: Uint8Array; config: LintConfig };
    progress: never;
    result: { lint: WireLintResult } & ({ model: WireModel } | { error: string });
  };
  /** Statistics and histograms of one layer's weight tensors, for the model view's details panel. */
  weights: {
    request: { path: string; layerId: string };
    progress: never;
    result: { tensors: WeightStats[] } | { error: string };
  };
  /**
   * MC-dropout uncertainty of a model file on its validation split (or `data`). Weights from `weights`
   * (a file), else the model's sidecar; with neither, `train` trains it first with its training spec.
   */
  mc: {
    request: {
      model: string;
      data?: string;
      /** CSV data: the header name of the class column (default "label"). */
      labelColumn?: string;
      passes: number;
      seed: number;
      masks: 'fresh' | 'consistent';
      weights?: string;
      train?: boolean;
      /** A folder of images: how they become model input (default: guessed from the model's input shape). */
      preprocessing?: ImagePreprocessing;
    };
    /** While training first (`epoch`), then partial MC statistics at least every 100 ms. */
    progress: { phase: 'train'; epoch: number; epochs: number } | { phase: 'mc'; mc: WireMcView };
    result: WireMcView;
  };
  /**
   * What the data chooser needs of a model file: its input width (features per sample; absent when the
   * input has no fixed shape) and its training block's data (a CSV's path made absolute), epochs and
   * seed. Read in the worker so a large model is never parsed on the extension host's thread.
   */
  modelInput: {
    request: { model: string };
    progress: never;
    result: ModelInput | { error: string };
  };
  /**
   * Test hooks (the worker refuses them unless DROPOUT_LENS_TEST_HOOKS=1, which the packaged extension
   * never sets). `fault` breaks the worker the way real bugs do; `probe` reports its heap after a full
   * GC and how busy its thread has been.
   */
  fault: {
    request: { fault: EngineFault };
    progress: never;
    result: never;
  };
  probe: {
    /** `gc`: collect garbage first (slow; leave it off to measure how busy the thread is). */
    request: { gc: boolean };
    progress: never;
    result: WorkerProbe;
  };
}

export interface ModelInput {
  width?: number;
  /** The sample shape without the batch axis (0 where a dimension is not fixed), when the model states it. */
  inputShape?: number[];
  /** For a model that takes images: the preprocessing its input shape suggests. */
  preprocessing?: ImagePreprocessing;
  data?: string;
  /** The training block's class column: a header name or a 0-based column number. */
  labelColumn?: string | number;
  epochs: number;
  seed: number;
}

/**
 * An uncaught exception, `process.exit` in the worker, a JS heap that outgrows its limit, or a loop that
 * never yields (so never sees a cancel).
 */
export type EngineFault = 'throw' | 'exit' | 'oom' | 'hang';

export interface WorkerProbe {
  /** V8 heap in use (after a full GC when asked), bytes. */
  heapUsed: number;
  /** Typed-array memory outside the heap, bytes. */
  arrayBuffers: number;
  /** The thread's event-loop time so far (ms): busy and idle, as performance.eventLoopUtilization(). */
  active: number;
  idle: number;
}

/** What the uncertainty panel draws: a summary, the most uncertain samples, the deterministic pass. */
export interface WireMcView {
  passesRequested: number;
  summary: McSummary;
  uncertain: WireMcSample[];
  /** Scores of one deterministic pass; empty without labels. */
  deterministic: Partial<McScores>;
  /** The weights were trained just now (the model had none). */
  trained: boolean;
  featureShape: number[];
  /** Layers before the first stochastic one, computed once. */
  prefixLayers: number;
  /** On 2-D data: the MC decision boundary and the entropy and MI maps over the plane. */
  grid?: McGrid;
  /** The runtime that ran the passes (name, version, threads). */
  engine?: McEngine;
  /** What the runtime says of the run, e.g. how much of the graph ran once per input. */
  notes?: string[];
  /** The data, when they are more than a table of numbers. */
  data?: WireMcData;
  /** How far the run is: the panel shows it with the time left. */
  progress?: McProgress;
}

/** The data an MC run read, for the panel's heading and the samples' captions. */
export interface WireMcData {
  name: string;
  count: number;
  /** False when the data carry no labels: accuracy, NLL and ECE are then absent. */
  labelled: boolean;
  /** Class names by label (an image folder's subfolders). */
  classNames?: string[];
  /** The preprocessing applied to images. */
  preprocessing?: ImagePreprocessing;
}

/** A small picture of an image sample: width × height RGBA bytes, base64. */
export interface WireThumbnail {
  width: number;
  height: number;
  rgba: string;
}

export interface WireMcSample extends McSample {
  /** The sample's features before standardisation (empty for images: they have a thumbnail). */
  features: number[];
  /** Where the sample came from (a file relative to the data folder, or a row). */
  name?: string;
  thumbnail?: WireThumbnail;
  /** Each pass's class probabilities (passes × classes); only in the final result. */
  passes?: number[][];
}

/** The experiments the Train panel offers; the worker expands each into runs (worker/experiments.ts). */
export type ExperimentKind = 'as-is' | 'compare' | 'sweep' | 'variants' | 'scaling' | 'schedules';
export const EXPERIMENT_KINDS: readonly ExperimentKind[] = [
  'as-is',
  'compare',
  'sweep',
  'variants',
  'scaling',
  'schedules',
];

/** An experiment as the Train panel asks for it: its kind and, for a rate sweep, the rates. */
export interface Experiment {
  kind: ExperimentKind;
  rates?: number[];
}

/** One train job's progress event within a run; the Train panel forwards it to its webview unchanged. */
export interface TrainProgress {
  run: string;
  /** With the job's first event: the names of the experiment's runs, in the order they train. */
  runs?: string[];
  epoch: number;
  epochs: number;
  batch?: number;
  batches?: number;
  metrics?: EpochMetrics;
  setup?: RunSetup;
  boundary?: BoundaryGrid;
}

/** A run that ended: its weights (for Save and Export) and the hints over the job's finished runs. */
export interface RunFinished {
  finished: WireTrainRun;
  hints: TrainHint[];
}

/** What a run trains: enough for the panel's table and hints. */
export interface RunSetup {
  data: string;
  trainRows: number;
  valRows: number;
  classes: number;
  /** Features per sample; 2 means the decision boundary can be drawn. */
  features: number;
  /** Highest dropout rate in the run's network (0 = none). */
  maxRate: number;
  optimizer: OptimizerSpec;
  maxNorm?: number;
  seed: number;
}

export interface WireTrainRun {
  run: string;
  epochs: EpochMetrics[];
  seconds: number;
  cancelled: boolean;
  /** The trained network as plain data: what the weights file and the exporters take. */
  network: NetworkRecord;
  softmaxInLoss: boolean;
  standardization?: { mean: number[]; std: number[] };
  /** The training spec the run used: an exported PyTorch script's --train defaults. */
  training: TrainingSpec;
  /** The threads it trained on, and why one when two were asked for. */
  workers: 1 | 2;
  oneWorkerReason?: string;
}

export type JobKind = keyof Jobs;

export type ToWorker =
  | {
      type: 'start';
      jobId: number;
      kind: JobKind;
      request: Jobs[JobKind]['request'];
      /** The largest file the job may read (the dropoutLens.maxFileSizeMB setting); default 2 GB. */
      maxFileBytes?: number;
      /** What sets that limit, for the refusal message (default: the setting; the CLI names its option). */
      limitSetting?: string;
    }
  | { type: 'cancel'; jobId: number };

export type FromWorker =
  | { type: 'progress'; jobId: number; progress: Jobs[JobKind]['progress'] }
  | { type: 'done'; jobId: number; result: Jobs[JobKind]['result'] }
  | { type: 'cancelled'; jobId: number }
  | { type: 'error'; jobId: number; message: string };

// Validation of the messages the worker receives. The extension host is the only sender, but a
// malformed request must become an error reply naming the field, never an exception inside a job.

/** A rate sweep: one to ten dropout rates in [0, 1). */
export const isSweepRates = (v: unknown): v is number[] =>
  isArrayOf(v, isJsonNumber) && v.length > 0 && v.length <= 10 && v.every((r) => r >= 0 && r < 1);

/** An experiment the worker can expand into runs. */
export const isExperiment = (v: unknown): v is Experiment =>
  isObj(v) && EXPERIMENT_KINDS.includes(v.kind as ExperimentKind) && optional(v.rates, isSweepRates);

const SEVERITIES = ['off', 'hint', 'info', 'warning', 'error'];
const MAX_SEED = 2 ** 32 - 1;

const isMcModelGlob = (v: unknown): v is { folder: string; glob: string } =>
  isObj(v) && isShortString(v.folder) && isShortString(v.glob);
const isLintConfig = (v: unknown) =>
  isObj(v) &&
  isRecordOf(v.rules, (s): s is string => isStr(s) && SEVERITIES.includes(s)) &&
  optional(v.mcModels, (m) => isArrayOf(m, isMcModelGlob));
const isNumbers = (v: unknown): v is number[] => isArrayOf(v, (x): x is number => typeof x === 'number');

const FAULTS: readonly EngineFault[] = ['throw', 'exit', 'oom', 'hang'];

/** Per job kind: each field's check (fields the job does not read are left alone). */
const REQUESTS: { [K in JobKind]: Record<string, (v: unknown) => boolean> } = {
  lint: { files: (v) => isArrayOf(v, isShortString), config: isLintConfig },
  train: {
    model: isShortString,
    data: (v) => optional(v, isShortString),
    labelColumn: (v) => optional(v, isShortString),
    epochs: (v) => optional(v, (x) => isInt(x, 1, 100_000)),
    seed: (v) => optional(v, (x) => isInt(x, 0, MAX_SEED)),
    experiment: (v) => optional(v, isExperiment),
    boundary: (v) => optional(v, (b) => isObj(b) && isInt(b.size, 2, 512) && isInt(b.every, 1, 100_000)),
    workers: (v) => optional(v, (w) => w === 1 || w === 2 || w === 'auto'),
  },
  evaluate: {
    model: isShortString,
    data: (v) => optional(v, isShortString),
    seed: (v) => optional(v, (x) => isInt(x, 0, MAX_SEED)),
    weights: (v) => isRecordOf(v, isNumbers),
  },
  model: {
    path: isShortString,
    bytes: (v) => optional(v, (b) => b instanceof Uint8Array),
    config: isLintConfig,
  },
  weights: { path: isShortString, layerId: isShortString },
  mc: {
    model: isShortString,
    data: (v) => optional(v, isShortString),
    labelColumn: (v) => optional(v, isShortString),
    passes: (v) => isInt(v, 1, 10_000_000),
    seed: (v) => isInt(v, 0, MAX_SEED),
    masks: (v) => v === 'fresh' || v === 'consistent',
    weights: (v) => optional(v, isShortString),
    train: (v) => optional(v, isBool),
    preprocessing: (v) => optional(v, isImagePreprocessing),
  },
  modelInput: { model: isShortString },
  fault: { fault: (v) => FAULTS.includes(v as EngineFault) },
  probe: { gc: isBool },
};

export type ParsedToWorker = { message: ToWorker } | { error: string; jobId?: number };

/** The message if it is a well-formed start or cancel, else what is wrong (and the job id, if it has one). */
export function parseToWorker(v: unknown): ParsedToWorker {
  if (!isObj(v)) return { error: 'a worker message must be an object' };
  const jobId = isInt(v.jobId, 1, Number.MAX_SAFE_INTEGER) ? v.jobId : undefined;
  if (jobId === undefined) return { error: 'a worker message needs a positive integer "jobId"' };
  if (v.type === 'cancel') return { message: { type: 'cancel', jobId } };
  if (v.type !== 'start') return { error: `unknown worker message type ${preview(v.type)}`, jobId };
  // A string first: Object.hasOwn converts any other key, and an object can refuse to convert.
  const kind = v.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(REQUESTS, kind))
    return { error: `unknown job kind ${preview(kind)}`, jobId };
  if (!optional(v.maxFileBytes, (x) => isInt(x, 1, Number.MAX_SAFE_INTEGER)))
    return { error: '"maxFileBytes" must be a positive integer', jobId };
  if (!optional(v.limitSetting, isShortString))
    return { error: '"limitSetting" must be a short string', jobId };
  const problem = requestProblem(kind as JobKind, v.request);
  if (problem) return { error: `${kind} request: ${problem}`, jobId };
  return { message: v as ToWorker };
}

function requestProblem(kind: JobKind, request: unknown): string | undefined {
  if (!isObj(request)) return 'the request must be an object';
  const fields = REQUESTS[kind];
  for (const [key, check] of Object.entries(fields))
    if (!check((request as Obj)[key])) return `field "${key}" is missing or invalid`;
  return undefined;
}

/** A reply from the worker names a job and one of the four outcomes (payloads are the worker's own). */
export function isFromWorker(v: unknown): v is FromWorker {
  if (!isObj(v) || !isInt(v.jobId, 1, Number.MAX_SAFE_INTEGER)) return false;
  switch (v.type) {
    case 'progress':
      return 'progress' in v;
    case 'done':
      return 'result' in v;
    case 'cancelled':
      return true;
    case 'error':
      return isStr(v.message);
    default:
      return false;
  }
}
