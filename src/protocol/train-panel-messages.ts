// Messages between the Train with Dropout panel (webview) and the extension. Both sides check what
// they receive: a webview is another process, and its state may come back from an older version.
import { EXPERIMENT_KINDS, type ExperimentKind } from '../core/engine/run-plan';
import { isInt, isObj, isShortString } from './guards';
import type { TrainProgress } from './worker-messages';

export interface DataChoice {
  /** A data spec as `loadData` reads it (`builtin:NAME` or an absolute CSV path). */
  spec: string;
  label: string;
  /** CSV files: the header's columns, for the label picker. */
  columns?: string[];
  /** Synthetic 2-D sets take a noise level. */
  noise?: boolean;
}

export interface ModelInfo {
  name: string;
  path: string;
  /** The model's `training.data`, epochs and seed (the panel's defaults). */
  data?: string;
  epochs: number;
  seed: number;
}

export interface RunRequest {
  experiment: ExperimentKind;
  data: string;
  labelColumn?: string;
  epochs: number;
  seed: number;
  /** Rate sweep: the rates to try. */
  rates?: number[];
}

export type ToTrainPanel =
  | { type: 'init'; model: ModelInfo; choices: DataChoice[] }
  | { type: 'experiment'; experiment: ExperimentKind; runs: string[] }
  | ({ type: 'progress' } & TrainProgress)
  | { type: 'runDone'; run: string; seconds: number; cancelled: boolean }
  | { type: 'experimentDone'; cancelled: boolean }
  | { type: 'notice'; level: 'info' | 'error'; message: string };

export type SaveKind = 'weights' | 'onnx' | 'pytorch';

export type FromTrainPanel =
  | { type: 'ready' }
  | ({ type: 'run' } & RunRequest)
  | { type: 'cancel' }
  | { type: 'save'; kind: SaveKind; run: string };

const TO_PANEL_TYPES = ['init', 'experiment', 'progress', 'runDone', 'experimentDone', 'notice'];
const SAVE_KINDS: readonly SaveKind[] = ['weights', 'onnx', 'pytorch'];

/** The message if it is one the panel may send, else undefined. */
export function parseFromTrainPanel(m: unknown): FromTrainPanel | undefined {
  if (!isObj(m)) return undefined;
  switch (m.type) {
    case 'ready':
    case 'cancel':
      return { type: m.type };
    case 'save':
      return SAVE_KINDS.includes(m.kind as SaveKind) && isShortString(m.run)
        ? { type: 'save', kind: m.kind as SaveKind, run: m.run }
        : undefined;
    case 'run': {
      if (!EXPERIMENT_KINDS.includes(m.experiment as ExperimentKind)) return undefined;
      if (!isShortString(m.data) || !isInt(m.epochs, 1, 10_000) || !isInt(m.seed, 0, 2 ** 32 - 1))
        return undefined;
      if (m.labelColumn !== undefined && !isShortString(m.labelColumn)) return undefined;
      const rates = m.rates;
      if (
        rates !== undefined &&
        !(
          Array.isArray(rates) &&
          rates.length > 0 &&
          rates.length <= 10 &&
          rates.every((r) => typeof r === 'number' && r >= 0 && r < 1)
        )
      )
        return undefined;
      return {
        type: 'run',
        experiment: m.experiment as ExperimentKind,
        data: m.data,
        epochs: m.epochs,
        seed: m.seed,
        ...(m.labelColumn !== undefined ? { labelColumn: m.labelColumn as string } : {}),
        ...(rates !== undefined ? { rates: rates as number[] } : {}),
      };
    }
    default:
      return undefined;
  }
}

/** The extension's message if it has a known type (the extension is trusted; this guards against mix-ups). */
export function parseToTrainPanel(m: unknown): ToTrainPanel | undefined {
  return isObj(m) && TO_PANEL_TYPES.includes(m.type as string) ? (m as ToTrainPanel) : undefined;
}
