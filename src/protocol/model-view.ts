// Messages between the extension and the model view webview, and the plain data the view shows.
// Both sides validate what they receive: a webview is another process, and its messages are input.
import type { DropoutSpec, ModelFormat } from '../core/model/ir';
import type { Severity } from '../core/lint/rule';
import type { WeightStats } from '../core/model/weight-stats';

/** One dropout-family behaviour of a layer, ready to print: its own, or inside an RNN (`property`). */
export interface DropoutCell {
  variant: DropoutSpec['variant'];
  /** Probability of dropping; null when the file's value is not a number (`rawRate` says what it is). */
  rate: number | null;
  /** 1 − rate, the probability of keeping a unit. */
  keep: number | null;
  rawRate?: string;
  scaling: DropoutSpec['scaling'];
  mode: DropoutSpec['mode'];
  noiseShape?: string;
  /** The RNN property this dropout lives in ("dropout", "recurrent_dropout"). */
  property?: string;
  /** The file stored a keep probability that was converted. */
  keepProbability?: boolean;
}

export interface RowFinding {
  rule: string;
  severity: Severity;
  message: string;
}

export interface LayerRow {
  id: string;
  /** Position in the graph's topological order. */
  index: number;
  name: string;
  op: string;
  originalOp: string;
  outputShape: string;
  params: number;
  dropout: DropoutCell[];
  findings: RowFinding[];
  /** Ids of the layers this one reads. */
  inputs: string[];
  /** Attributes as short text, for the details panel. */
  attributes: [string, string][];
  /** The layer's text range (JSON formats); absent for ONNX, whose layers are shown in the graph. */
  range?: { offset: number; length: number };
}

export interface WireTensor {
  name: string;
  shape: string;
  dtype?: string;
}

export interface WireModel {
  fileName: string;
  fileSize: number;
  format: ModelFormat;
  name: string;
  /** Facts from the file worth a header line: producer, opset, tfjs version ... */
  meta: [string, string][];
  inputs: WireTensor[];
  outputs: WireTensor[];
  params: number;
  rows: LayerRow[];
}

/** Extension → webview. */
export type ToModelView =
  | { type: 'model'; uri: string; model: WireModel }
  | { type: 'error'; uri: string; fileName: string; message: string }
  | { type: 'saved'; path: string }
  /** A layer's weight statistics (never the values), or why they could not be read. */
  | { type: 'weights'; layerId: string; tensors: WeightStats[] }
  | { type: 'weights'; layerId: string; error: string };

export type ExportKind = 'csv' | 'markdown' | 'svg';

/** Webview → extension. */
export type FromModelView =
  | { type: 'ready' }
  | { type: 'reveal'; layerId: string }
  | { type: 'weights'; layerId: string }
  | { type: 'export'; kind: ExportKind; content: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isString = (v: unknown): v is string => typeof v === 'string';

const EXPORT_KINDS: readonly string[] = ['csv', 'markdown', 'svg'];

/** Exports are capped so a broken view cannot make the extension write something huge. */
export const MAX_EXPORT_CHARS = 50_000_000;

export function isFromModelView(v: unknown): v is FromModelView {
  if (!isObject(v)) return false;
  switch (v.type) {
    case 'ready':
      return true;
    case 'reveal':
    case 'weights':
      return isString(v.layerId);
    case 'export':
      return (
        isString(v.kind) &&
        EXPORT_KINDS.includes(v.kind) &&
        isString(v.content) &&
        v.content.length <= MAX_EXPORT_CHARS
      );
    default:
      return false;
  }
}

function isRow(v: unknown): v is LayerRow {
  return (
    isObject(v) &&
    isString(v.id) &&
    isString(v.name) &&
    isString(v.op) &&
    isString(v.outputShape) &&
    typeof v.params === 'number' &&
    Array.isArray(v.dropout) &&
    Array.isArray(v.findings) &&
    Array.isArray(v.inputs) &&
    Array.isArray(v.attributes)
  );
}

export function isToModelView(v: unknown): v is ToModelView {
  if (!isObject(v)) return false;
  switch (v.type) {
    case 'model': {
      const m = v.model;
      return (
        isString(v.uri) &&
        isObject(m) &&
        isString(m.fileName) &&
        isString(m.format) &&
        isString(m.name) &&
        Array.isArray(m.meta) &&
        Array.isArray(m.inputs) &&
        Array.isArray(m.outputs) &&
        Array.isArray(m.rows) &&
        m.rows.every(isRow)
      );
    }
    case 'error':
      return isString(v.uri) && isString(v.fileName) && isString(v.message);
    case 'saved':
      return isString(v.path);
    case 'weights':
      return (
        isString(v.layerId) &&
        (isString(v.error) || (Array.isArray(v.tensors) && v.tensors.every(isWeightStats)))
      );
    default:
      return false;
  }
}

const isNumber = (v: unknown): v is number => typeof v === 'number';

function isWeightStats(v: unknown): v is WeightStats {
  return (
    isObject(v) &&
    isString(v.name) &&
    Array.isArray(v.shape) &&
    [v.count, v.nonFinite, v.mean, v.std, v.min, v.max, v.zeros].every(isNumber) &&
    Array.isArray(v.histogram) &&
    v.histogram.every(isNumber)
  );
}
