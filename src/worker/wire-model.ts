// Turns a graph and its findings into the plain data the model view shows (it crosses the worker and
// webview boundaries, so no IR objects, only strings and numbers).
import type { Finding } from '../core/lint/rule';
import type { DropoutSpec, Graph, Layer, TensorInfo } from '../core/model/ir';
import { opLabel, rnnDropoutLabel, shapeText, shownInnerDropout } from '../core/model/labels';
import { mcMarkOf } from '../core/model/mc-marker';
import { paramCounts, paramDoubts } from '../core/model/param-counts';
import { shapeCoverage, shapeCoverageText } from '../core/lint/shape-coverage';
import { graphLayout } from './wire-layout';
import type { DropoutCell, LayerRow, WireModel, WireTensor } from '../protocol/model-view';

/** Meta keys that are bookkeeping for readers, not facts a reader of the header wants. */
const HIDDEN_META = new Set(['weightsManifest', 'training', 'trainingConfig', 'mcModel', 'modelJson']);
const SHORT = 80;

export function toWireModel(
  graph: Graph,
  findings: Finding[],
  file: { name: string; size: number; shards?: number },
): WireModel {
  const byLayer = new Map<string, Finding[]>();
  for (const f of findings) byLayer.set(f.layer.id, [...(byLayer.get(f.layer.id) ?? []), f]);
  const layers = graph.layers;
  const params = paramCounts(graph);
  const doubts = paramDoubts(graph);
  const rows = layers.map((layer, index) => row(layer, index, byLayer.get(layer.id) ?? []));
  const shapes = shapeCoverage(graph);
  return {
    fileName: file.name,
    fileSize: file.size,
    ...(file.shards ? { shards: file.shards } : {}),
    format: graph.format,
    name: graph.name,
    meta: metaEntries(graph),
    inputs: graph.inputs.map(tensor),
    outputs: graph.outputs.map(tensor),
    params: params.total,
    trainableParams: params.trainable,
    ...(doubts.length > 0 ? { paramsIncomplete: doubts } : {}),
    shapes,
    ...(shapes.known < shapes.layers || shapes.unrankedDropouts.length > 0
      ? { shapesNote: shapeCoverageText(shapes) }
      : {}),
    rows,
    layout: graphLayout(rows),
  };
}

function row(layer: Layer, index: number, findings: Finding[]): LayerRow {
  const range = layer.source.range;
  return {
    id: layer.id,
    index,
    name: layer.name,
    op: opLabel(layer),
    originalOp: layer.originalOp,
    outputShape: shapeText(layer.outputShape),
    params: layer.params,
    dropout: [
      ...(layer.dropout ? [dropoutCell(layer.dropout, false)] : []),
      ...shownInnerDropout(layer.innerDropout).map((d) => dropoutCell(d, true)),
    ],
    findings: findings.map((f) => ({ rule: f.rule, severity: f.severity, message: f.message })),
    inputs: layer.inputs,
    attributes: Object.entries(layer.attributes)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, short(v)]),
    ...(range ? { range: { offset: range.offset, length: range.length } } : {}),
  };
}

/** `inner`: the dropout lives in a property of another layer (an RNN's), which the cell names. */
function dropoutCell(d: DropoutSpec, inner: boolean): DropoutCell {
  const rate = Number.isFinite(d.rate) ? d.rate : null;
  const label = inner ? rnnDropoutLabel(d) : undefined;
  return {
    variant: d.variant,
    rate,
    // Rounded so 1 − 0.1 prints as 0.9, not 0.8999999999999999.
    keep: rate === null ? null : Number((1 - rate).toPrecision(12)),
    ...(d.rawRate !== undefined ? { rawRate: short(d.rawRate) } : {}),
    ...(d.stddev !== undefined ? { stddev: Number.isFinite(d.stddev) ? d.stddev : null } : {}),
    ...(d.rawStddev !== undefined ? { rawStddev: short(d.rawStddev) } : {}),
    scaling: d.scaling,
    mode: d.mode,
    ...(d.noiseShape ? { noiseShape: shapeText(d.noiseShape) } : {}),
    ...(inner && d.origin.property ? { property: d.origin.property } : {}),
    ...(label ? { label: label.name, note: label.note } : {}),
    ...(d.origin.keepProbability ? { keepProbability: true } : {}),
  };
}

function tensor(t: TensorInfo): WireTensor {
  return { name: t.name, shape: shapeText(t.shape), ...(t.dtype ? { dtype: t.dtype } : {}) };
}

/**
 * Scalars and short structures, in the file's order; long or empty ones are left out. An MC mark is named
 * with where it comes from (a file's metadata, a .dropoutlens.json glob).
 */
function metaEntries(graph: Graph): [string, string][] {
  const { meta } = graph;
  const mark = mcMarkOf(graph);
  const entries: [string, string][] = mark ? [['MC model', `marked by ${mark}`]] : [];
  for (const [key, value] of Object.entries(meta)) {
    if (HIDDEN_META.has(key) || value === undefined || value === null || value === '') continue;
    if (key === 'opsetImports' && Array.isArray(value)) {
      entries.push(['opset', value.map(opsetText).join(', ')]);
      continue;
    }
    const text = short(value);
    if (text.length <= SHORT) entries.push([key, text]);
  }
  return entries;
}

/** An ONNX opset import as "ai.onnx 13" (the default domain is spelled out). */
function opsetText(entry: unknown): string {
  const { domain, version } = (entry ?? {}) as { domain?: unknown; version?: unknown };
  return `${typeof domain === 'string' && domain ? domain : 'ai.onnx'} ${short(version)}`;
}

function short(value: unknown): string {
  if (typeof value === 'string') return value;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
