// Messages between the extension host and the engine worker. The only contract the two sides share:
// each job kind names its request, its progress events and its result.
import type { LintConfig } from '../core/lint/config';
import type { Fix, Severity } from '../core/lint/rule';
import type { LineColumn } from '../core/formats/text-position';
import type { EpochMetrics } from '../core/engine/train';
import type { WireModel } from './model-view';

export interface WireRange {
  offset: number;
  length: number;
  start: LineColumn;
  end: LineColumn;
}

/** A finding as plain data: layers by name, ranges with line/column so no text is needed to place it. */
export interface WireFinding {
  rule: string;
  severity: Severity;
  message: string;
  layer: string;
  range?: WireRange;
  related: { layer: string; message: string; range?: WireRange }[];
  fixes: Fix[];
  unnecessary: boolean;
}

export interface WireLintResult {
  path: string;
  format?: string;
  findings: WireFinding[];
  error?: { message: string; range?: WireRange };
}

export interface Jobs {
  lint: {
    request: { files: string[]; config: LintConfig };
    progress: { done: number; total: number; result: WireLintResult };
    result: { files: number; findings: number; errors: number };
  };
  /** Trains a model file's network (with `compare`, also without dropout from the same seed). */
  train: {
    request: { model: string; data?: string; epochs?: number; seed?: number; compare?: boolean };
    /** Per epoch with `metrics`, and on a timer inside long epochs with the batch position. */
    progress: {
      run: string;
      epoch: number;
      epochs: number;
      batch?: number;
      batches?: number;
      metrics?: EpochMetrics;
    };
    result: { runs: WireTrainRun[] };
  };
  /** Loss and accuracy of trained weights on the validation split the same seed gives in training. */
  evaluate: {
    request: { model: string; data?: string; seed?: number; weights: Record<string, number[]> };
    progress: never;
    result: { n: number; loss: number; accuracy: number };
  };
  /** Reads and lints one model for the model view; the bytes come from the editor (maybe unsaved). */
  model: {
    request: { path: string; bytes: Uint8Array; config: LintConfig };
    progress: never;
    result: { model: WireModel } | { error: string };
  };
}

export interface WireTrainRun {
  run: string;
  epochs: EpochMetrics[];
  seconds: number;
  cancelled: boolean;
  /** Parameters and buffers by name (PyTorch-style names, row-major). */
  weights: Record<string, number[]>;
}

export type JobKind = keyof Jobs;

export type ToWorker =
  | { type: 'start'; jobId: number; kind: JobKind; request: Jobs[JobKind]['request'] }
  | { type: 'cancel'; jobId: number };

export type FromWorker =
  | { type: 'progress'; jobId: number; progress: Jobs[JobKind]['progress'] }
  | { type: 'done'; jobId: number; result: Jobs[JobKind]['result'] }
  | { type: 'cancelled'; jobId: number }
  | { type: 'error'; jobId: number; message: string };
