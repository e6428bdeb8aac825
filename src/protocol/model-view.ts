// Messages between the extension and the model view webview, and the plain data the view shows.
// Both sides validate what they receive: a webview is another process, and its messages are input.
import type { DropoutSpec, ModelFormat } from '../core/model/ir';
import type { Severity } from '../core/lint/rule';
import type { WeightStats } from '../core/model/weight-stats';

/** Core's plain data the view draws, named here so the page imports the protocol only. */
export type { WeightStats };
import { isArrayOf, isBool, isJsonNumber, isObj, isStr, optional } from './guards';

/** One dropout-family behaviour of a layer, ready to print: its own, or inside an RNN (`property`). */
export interface DropoutCell {
  variant: DropoutSpec['variant'];
  /** Probability of dropping; null when the file's value is not a number (`rawRate` says what it is). */
  rate: number | null;
  /** 1 − rate, the probability of keeping a unit. */
  keep: number | null;
  rawRate?: string;
  /** Gaussian noise: σ (null when the file's value is not a number: `rawStddev` says what it is). */
  stddev?: number | null;
  rawStddev?: string;
  scaling: DropoutSpec['scaling'];
  mode: DropoutSpec['mode'];
  noiseShape?: string;
  /** The RNN property this dropout lives in ("dropout", "recurrent_dropout"). */
  property?: string;
  /** What an RNN's dropout drops ("input dropout") and how its mask is drawn ("one mask per sequence"). */
  label?: string;
  note?: string;
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
  /** The model's size on disk: its file plus, for TensorFlow.js, the weight shards it lists. */
  fileSize: number;
  /** Weight shard files counted in `fileSize`, when there are any. */
  shards?: number;
  format: ModelFormat;
  name: string;
  /** Facts from the file worth a header line: producer, opset, tfjs version ... */
  meta: [string, string][];
  inputs: WireTensor[];
  outputs: WireTensor[];
  params: number;
  /** Parameters training updates (batch-norm statistics and frozen layers excluded). */
  trainableParams: number;
  /** Layers whose weights may not all be counted ("layer: why"): `params` is then a lower bound. */
  paramsIncomplete?: string[];
  /** Layers with a known output shape, of the layers that compute (graph inputs and constants excluded). */
  shapes: { known: number; layers: number };
  /** When some shapes are unknown: the sentence saying so and which dropout layers the rank rules could not check. */
  shapesNote?: string;
  rows: LayerRow[];
  /** The graph tab's drawing of `rows`. */
  layout: WireLayout;
}

/**
 * The graph drawing's geometry, shared by the worker that lays the graph out and the page that draws it.
 * Compact on the wire: a 5,001-node graph's layout is about 250 KB of numbers.
 */
export const NODE_HEIGHT = 40;
/** The width of a character of the node font, an estimate: the layout runs where there is no DOM. */
const CHAR_WIDTH = 7;

/** A node's name as the details show it; a long scope path keeps its last two parts (after "…/"). */
export function shortName(name: string): string {
  if (name.length <= 32) return name;
  const tail = `…/${name.split('/').slice(-2).join('/')}`;
  return tail.length > 32 ? `…${name.slice(-31)}` : tail;
}

export function nodeWidth(row: Pick<LayerRow, 'name' | 'op'>): number {
  return Math.max(shortName(row.name).length, row.op.length + 2) * CHAR_WIDTH + 24;
}

export interface WireLayout {
  width: number;
  height: number;
  /** Node centres as x, y pairs, one per row, in row order. */
  nodes: number[];
  /** Per edge: the source row's index, the target row's index, then the route's x, y pairs. */
  edges: number[][];
}

/** Extension → webview. */
export type ToModelView =
  /** `version` counts the extension's loads of the file: a page shows each version once. */
  | { type: 'model'; uri: string; version: number; model: WireModel }
  | { type: 'error'; uri: string; fileName: string; message: string }
  | { type: 'saved'; path: string }
  /** Select a layer in the table and the graph and bring it into view (a finding opened from Problems). */
  | { type: 'select'; layerId: string }
  /** A layer's weight statistics (never the values), or why they could not be read. */
  | { type: 'weights'; layerId: string; tensors: WeightStats[] }
  | { type: 'weights'; layerId: string; error: string };

export type ExportKind = 'csv' | 'markdown' | 'svg';

/** Webview → extension. */
export type FromModelView =
  | { type: 'ready' }
  /** The page has shown a layer the extension asked it to select (it keeps it in its state from then on). */
  | { type: 'selected'; layerId: string }
  /** `keepFocus`: the keyboard chose the layer and goes on in the view (the editor does not take the focus). */
  | { type: 'reveal'; layerId: string; keepFocus?: boolean }
  | { type: 'weights'; layerId: string }
  | { type: 'export'; kind: ExportKind; content: string };

const EXPORT_KINDS: readonly string[] = ['csv', 'markdown', 'svg'];

/** Exports are capped so a broken view cannot make the extension write something huge. */
export const MAX_EXPORT_CHARS = 50_000_000;

export function isFromModelView(v: unknown): v is FromModelView {
  if (!isObj(v)) return false;
  switch (v.type) {
    case 'ready':
      return true;
    case 'reveal':
      return isStr(v.layerId) && optional(v.keepFocus, isBool);
    case 'selected':
    case 'weights':
      return isStr(v.layerId);
    case 'export':
      return (
        isStr(v.kind) &&
        EXPORT_KINDS.includes(v.kind) &&
        isStr(v.content) &&
        v.content.length <= MAX_EXPORT_CHARS
      );
    default:
      return false;
  }
}

const SEVERITIES: readonly string[] = ['error', 'warning', 'info', 'hint'];
const isNumOrNull = (v: unknown) => v === null || typeof v === 'number';
const isPair = (v: unknown): v is [string, string] => isArrayOf(v, isStr) && v.length === 2;

const isFinding = (v: unknown): v is RowFinding =>
  isObj(v) && isStr(v.rule) && SEVERITIES.includes(v.severity as string) && isStr(v.message);

const isDropoutCell = (v: unknown): v is DropoutCell =>
  isObj(v) &&
  isStr(v.variant) &&
  isNumOrNull(v.rate) &&
  isNumOrNull(v.keep) &&
  isStr(v.scaling) &&
  isStr(v.mode) &&
  optional(v.rawRate, isStr) &&
  optional(v.stddev, isNumOrNull) &&
  optional(v.rawStddev, isStr) &&
  optional(v.noiseShape, isStr) &&
  optional(v.property, isStr) &&
  optional(v.keepProbability, isBool) &&
  optional(v.label, isStr) &&
  optional(v.note, isStr);

const isTensor = (v: unknown): v is WireTensor =>
  isObj(v) && isStr(v.name) && isStr(v.shape) && optional(v.dtype, isStr);

function isRow(v: unknown): v is LayerRow {
  return (
    isObj(v) &&
    isStr(v.id) &&
    typeof v.index === 'number' &&
    isStr(v.name) &&
    isStr(v.op) &&
    isStr(v.originalOp) &&
    isStr(v.outputShape) &&
    typeof v.params === 'number' &&
    isArrayOf(v.dropout, isDropoutCell) &&
    isArrayOf(v.findings, isFinding) &&
    isArrayOf(v.inputs, isStr) &&
    isArrayOf(v.attributes, isPair) &&
    optional(v.range, (r) => isObj(r) && typeof r.offset === 'number' && typeof r.length === 'number')
  );
}

export function isToModelView(v: unknown): v is ToModelView {
  if (!isObj(v)) return false;
  switch (v.type) {
    case 'model': {
      const m = v.model;
      return (
        isStr(v.uri) &&
        Number.isSafeInteger(v.version) &&
        isObj(m) &&
        isStr(m.fileName) &&
        typeof m.fileSize === 'number' &&
        (m.shards === undefined || Number.isSafeInteger(m.shards)) &&
        isStr(m.format) &&
        isStr(m.name) &&
        typeof m.params === 'number' &&
        typeof m.trainableParams === 'number' &&
        optional(m.paramsIncomplete, (p) => isArrayOf(p, isStr)) &&
        isObj(m.shapes) &&
        Number.isSafeInteger(m.shapes.known) &&
        Number.isSafeInteger(m.shapes.layers) &&
        optional(m.shapesNote, isStr) &&
        isArrayOf(m.meta, isPair) &&
        isArrayOf(m.inputs, isTensor) &&
        isArrayOf(m.outputs, isTensor) &&
        isArrayOf(m.rows, isRow) &&
        isWireLayout(m.layout, m.rows.length)
      );
    }
    case 'error':
      return isStr(v.uri) && isStr(v.fileName) && isStr(v.message);
    case 'saved':
      return isStr(v.path);
    case 'select':
      return isStr(v.layerId);
    case 'weights':
      return (
        isStr(v.layerId) && (isStr(v.error) || (Array.isArray(v.tensors) && v.tensors.every(isWeightStats)))
      );
    default:
      return false;
  }
}

/** Statistics of a tensor with no finite value are NaN: any number passes. */
function isWeightStats(v: unknown): v is WeightStats {
  return (
    isObj(v) &&
    isStr(v.name) &&
    isArrayOf(v.shape, isJsonNumber) &&
    [v.count, v.nonFinite, v.mean, v.std, v.min, v.max, v.zeros].every(isJsonNumber) &&
    isArrayOf(v.histogram, isJsonNumber)
  );
}

/** A layout that fits `rows` rows: finite numbers, whole pairs, edges between existing rows. */
export function isWireLayout(v: unknown, rows: number): v is WireLayout {
  if (typeof v !== 'object' || v === null) return false;
  const { width, height, nodes, edges } = v as Record<string, unknown>;
  const finite = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
  const row = (x: unknown) => Number.isInteger(x) && (x as number) >= 0 && (x as number) < rows;
  return (
    finite(width) &&
    finite(height) &&
    Array.isArray(nodes) &&
    nodes.length === 2 * rows &&
    nodes.every(finite) &&
    Array.isArray(edges) &&
    edges.every(
      (e) =>
        Array.isArray(e) && e.length >= 6 && e.length % 2 === 0 && row(e[0]) && row(e[1]) && e.every(finite),
    )
  );
}
