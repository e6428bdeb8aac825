// Messages between the Train with Dropout panel (webview) and the extension. Both sides check what
// they receive: a webview is another process, and its state may come back from an older version.
import type { TrainHint } from '../core/engine/train/hints';
import { isDataOffer, parseDataPick, type DataOffer, type DataPick } from './data-choice';
import {
  isArrayOf,
  isBool,
  isInt,
  isJsonNumber,
  isObj,
  isShortString,
  isStr,
  optional,
  type Obj,
} from './guards';
import { EXPERIMENT_KINDS, isSweepRates, type ExperimentKind, type TrainProgress } from './worker';

/** Core's plain data the panel draws, named here so the page imports the protocol only. */
export type { BoundaryGrid } from '../core/engine/train/boundary';
export type { EpochMetrics } from '../core/engine/train/train';
export type { RunSetup } from './worker';
export type { TrainHint };

/** The experiments the panel offers are the worker's to expand: the train job's contract names them. */
export { EXPERIMENT_KINDS, type ExperimentKind } from './worker';

export interface ModelInfo {
  name: string;
  path: string;
  /**
   * The model's training epochs and seed with the schema's defaults (the panel's defaults); absent when
   * the worker could not read the model.
   */
  epochs?: number;
  seed?: number;
}

/** `data`: one of the data offered (a synthetic set with `?noise=…`). */
export interface RunRequest extends DataPick {
  experiment: ExperimentKind;
  epochs: number;
  seed: number;
  /** Rate sweep: the rates to try. */
  rates?: number[];
}

export type ToTrainPanel =
  | { type: 'init'; model: ModelInfo; data: DataOffer }
  /** A new offer after Browse…, with the file picked selected. */
  | { type: 'data'; data: DataOffer }
  | { type: 'experiment'; experiment: ExperimentKind }
  | ({ type: 'progress' } & TrainProgress)
  /** `hints`: the training-time hints over the experiment's runs finished so far. */
  | { type: 'runDone'; run: string; seconds: number; cancelled: boolean; hints: TrainHint[] }
  | { type: 'experimentDone'; cancelled: boolean }
  | { type: 'notice'; level: 'info' | 'error'; message: string };

export type SaveKind = 'weights' | 'onnx' | 'pytorch' | 'keras';

export type FromTrainPanel =
  | { type: 'ready' }
  | { type: 'browse' }
  | ({ type: 'run' } & RunRequest)
  | { type: 'cancel' }
  | { type: 'save'; kind: SaveKind; run: string };

const SAVE_KINDS: readonly SaveKind[] = ['weights', 'onnx', 'pytorch', 'keras'];

/** The most epochs a run started from the panel may have (its charts draw every epoch). */
export const MAX_PANEL_EPOCHS = 10_000;

/**
 * What is wrong with a run's numbers, in words for the form, or undefined when they are right: the page
 * says it before sending, and the extension refuses the same runs.
 */
export function runNumbersProblem(m: {
  epochs?: unknown;
  seed?: unknown;
  rates?: unknown;
}): string | undefined {
  if (!isInt(m.epochs, 1, MAX_PANEL_EPOCHS))
    return `Epochs must be a whole number from 1 to ${MAX_PANEL_EPOCHS.toLocaleString('en-US')}.`;
  if (!isInt(m.seed, 0, 2 ** 32 - 1)) return 'Seed must be a whole number from 0 to 4,294,967,295.';
  if (m.rates !== undefined && !isSweepRates(m.rates))
    return 'Sweep rates must be one to ten rates from 0 up to (not including) 1, such as 0.1, 0.3, 0.5.';
  return undefined;
}

/** The message if it is one the panel may send, else undefined. */
export function parseFromTrainPanel(m: unknown): FromTrainPanel | undefined {
  if (!isObj(m)) return undefined;
  switch (m.type) {
    case 'ready':
    case 'browse':
    case 'cancel':
      return { type: m.type };
    case 'save':
      return SAVE_KINDS.includes(m.kind as SaveKind) && isShortString(m.run)
        ? { type: 'save', kind: m.kind as SaveKind, run: m.run }
        : undefined;
    case 'run': {
      if (!EXPERIMENT_KINDS.includes(m.experiment as ExperimentKind)) return undefined;
      const pick = parseDataPick(m);
      if (!pick || runNumbersProblem(m) !== undefined) return undefined;
      return {
        type: 'run',
        experiment: m.experiment as ExperimentKind,
        ...pick,
        epochs: m.epochs as number,
        seed: m.seed as number,
        ...(m.rates !== undefined ? { rates: m.rates as number[] } : {}),
      };
    }
    default:
      return undefined;
  }
}

/** The extension's message if it is well formed (the extension is trusted; this guards against mix-ups). */
export function parseToTrainPanel(m: unknown): ToTrainPanel | undefined {
  if (!isObj(m)) return undefined;
  switch (m.type) {
    case 'init':
      return isModelInfo(m.model) && isDataOffer(m.data) ? (m as ToTrainPanel) : undefined;
    case 'data':
      return isDataOffer(m.data) ? (m as ToTrainPanel) : undefined;
    case 'experiment':
      return EXPERIMENT_KINDS.includes(m.experiment as ExperimentKind) ? (m as ToTrainPanel) : undefined;
    case 'progress':
      return isProgress(m) ? (m as ToTrainPanel) : undefined;
    case 'runDone':
      return isStr(m.run) && isJsonNumber(m.seconds) && isBool(m.cancelled) && isArrayOf(m.hints, isHint)
        ? (m as ToTrainPanel)
        : undefined;
    case 'experimentDone':
      return isBool(m.cancelled) ? (m as ToTrainPanel) : undefined;
    case 'notice':
      return (m.level === 'info' || m.level === 'error') && isStr(m.message)
        ? (m as ToTrainPanel)
        : undefined;
    default:
      return undefined;
  }
}

export const isToTrainPanel = (m: unknown): m is ToTrainPanel => parseToTrainPanel(m) !== undefined;

const isHint = (v: unknown): v is TrainHint =>
  isObj(v) && isShortString(v.kind) && isStr(v.run) && isStr(v.message);

const isNumOrNull = (v: unknown) => v === null || isJsonNumber(v);
const isNumbers = (v: unknown): v is number[] => isArrayOf(v, isJsonNumber);

const isModelInfo = (v: unknown) =>
  isObj(v) &&
  isStr(v.name) &&
  isStr(v.path) &&
  optional(v.epochs, isJsonNumber) &&
  optional(v.seed, isJsonNumber);

const isMetrics = (v: unknown) =>
  isObj(v) &&
  isJsonNumber(v.epoch) &&
  isJsonNumber(v.trainLoss) &&
  isJsonNumber(v.trainAcc) &&
  isNumOrNull(v.valLoss) &&
  isNumOrNull(v.valAcc);

/** The panel shows the optimizer and keeps it in webview state (JSON): numbers and a flag only. */
const isOptimizer = (v: unknown) =>
  isObj(v) &&
  isStr(v.type) &&
  ['learningRate', 'momentum', 'beta1', 'beta2', 'epsilon'].every((k) => optional(v[k], isJsonNumber)) &&
  optional(v.nesterov, isBool);

const isSetup = (v: unknown) =>
  isObj(v) &&
  isStr(v.data) &&
  ['trainRows', 'valRows', 'classes', 'features', 'maxRate', 'seed'].every((k) => isJsonNumber(v[k])) &&
  isOptimizer(v.optimizer) &&
  optional(v.maxNorm, isJsonNumber);

/** A decision grid whose arrays agree with its size (the panel indexes them by cell). */
export const isBoundary = (v: unknown): v is Obj & { size: number } =>
  isObj(v) &&
  isInt(v.size, 1, 1024) &&
  isNumbers(v.extent) &&
  v.extent.length === 4 &&
  isNumbers(v.cls) &&
  isNumbers(v.prob) &&
  v.cls.length === v.size * v.size &&
  v.prob.length === v.cls.length &&
  isArrayOf(v.points, (p): p is number[] => isNumbers(p) && p.length === 3);

const isProgress = (m: Obj) =>
  isStr(m.run) &&
  optional(m.runs, (r) => isArrayOf(r, isStr)) &&
  isJsonNumber(m.epoch) &&
  isJsonNumber(m.epochs) &&
  optional(m.batch, isJsonNumber) &&
  optional(m.batches, isJsonNumber) &&
  optional(m.metrics, isMetrics) &&
  optional(m.setup, isSetup) &&
  optional(m.boundary, isBoundary);
