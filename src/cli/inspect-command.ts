// `dropout-lens inspect <file> [--format json|text]`: the layers of any model file the product reads, with
// output shapes, parameter counts and dropout. Exit 0, or 2 on a usage error or an unreadable file.
import { resolve } from 'node:path';
import { openModel } from '../core/formats/detect';
import { markMcModel } from '../core/lint/config';
import { mcMarkOf } from '../core/model/mc-marker';
import { nodeModelSource } from '../core/formats/node-model-source';
import { ModelFormatError } from '../core/formats/reader';
import type { DropoutSpec, Graph, Shape, TensorInfo } from '../core/model/ir';
import { opLabel, rnnDropoutLabel, shapeText } from '../core/model/labels';
import { paramCounts, paramDoubts } from '../core/model/param-counts';
import { shapeCoverage, shapeCoverageText, type ShapeCoverage } from '../core/lint/shape-coverage';
import { FileTooLargeError, type SizeLimit } from '../core/io/size-limit';
import { namingFile } from '../core/io/file-message';
import { nearestConfig } from './config-file';
import { CLI_SIZE_LIMIT, UsageError, type CliIo } from './io';

export interface InspectDropout {
  variant: DropoutSpec['variant'];
  /** Probability of dropping; null when the file's value is not a number (see rawRate). */
  rate: number | null;
  rawRate?: unknown;
  /** Gaussian noise: σ (it drops nothing, so its rate is 0); null when not a number (see rawStddev). */
  stddev?: number | null;
  rawStddev?: unknown;
  scaling: DropoutSpec['scaling'];
  mode: DropoutSpec['mode'];
  noiseShape?: (number | null)[];
  schedule?: DropoutSpec['schedule'];
}

/** An RNN's dropout is named for what it drops, with how its mask is drawn ("one mask per sequence"). */
type InnerDropout = InspectDropout & { property?: string; label?: string; note?: string };

export interface InspectReport {
  format: string;
  name: string;
  inputs: { name: string; shape: Shape | null; dtype?: string }[];
  outputs: { name: string; shape: Shape | null; dtype?: string }[];
  params: number;
  /** Where the model's MC mark comes from (model/mc-marker.ts), when it is marked for MC inference. */
  mcModel?: string;
  /** Parameters training updates: batch-norm statistics and frozen layers are not. */
  trainableParams: number;
  /** Layers whose weights may not all be counted ("layer: why"): `params` is then a lower bound. */
  paramsIncomplete?: string[];
  /** Layers with a known output shape, of the layers that compute (graph inputs and constants excluded). */
  shapes: ShapeCoverage;
  layers: {
    name: string;
    op: string;
    outputShape: Shape | null;
    params: number;
    dropout?: InspectDropout;
    /** Dropout that lives inside the layer (DropConnect, an RNN's dropout / recurrent_dropout). */
    innerDropout?: InnerDropout[];
  }[];
}

export function runInspect(args: { paths: string[]; format: string; limit?: SizeLimit }, io: CliIo): number {
  if (args.paths.length !== 1) throw new UsageError('inspect: name exactly one model file');
  if (!['text', 'json'].includes(args.format))
    throw new UsageError(`inspect: --format must be text or json, not "${args.format}"`);
  const file = args.paths[0] as string;
  let graph: Graph;
  try {
    graph = openModel(nodeModelSource(file, args.limit ?? CLI_SIZE_LIMIT));
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (!(e instanceof ModelFormatError) && !(e instanceof FileTooLargeError) && code === undefined) throw e;
    // File-system errors carry a code (ENOENT, EISDIR, EACCES ...); format errors name the place.
    io.err(`dropout-lens: cannot read ${namingFile(file, (e as Error).message)}`);
    return 2;
  }
  // The nearest .dropoutlens.json may list the file under mcModels, as it does for `lint`.
  markMcModel(graph, nearestConfig(file), resolve(file));
  const report = inspectGraph(graph);
  io.out(args.format === 'json' ? JSON.stringify(report, null, 2) : formatText(report));
  return 0;
}

export function inspectGraph(graph: Graph): InspectReport {
  const tensor = (t: TensorInfo) => ({
    name: t.name,
    shape: t.shape ?? null,
    ...(t.dtype ? { dtype: t.dtype } : {}),
  });
  const layers = graph.layers.filter((l) => l.op !== 'input');
  const counts = paramCounts(graph);
  const doubts = paramDoubts(graph);
  const mcModel = mcMarkOf(graph);
  return {
    format: graph.format,
    name: graph.name,
    inputs: graph.inputs.map(tensor),
    outputs: graph.outputs.map(tensor),
    params: counts.total,
    ...(mcModel ? { mcModel } : {}),
    trainableParams: counts.trainable,
    ...(doubts.length > 0 ? { paramsIncomplete: doubts } : {}),
    shapes: shapeCoverage(graph),
    layers: layers.map((l) => ({
      name: l.name,
      op: opLabel(l),
      outputShape: l.outputShape ?? null,
      params: l.params,
      ...(l.dropout ? { dropout: dropout(l.dropout) } : {}),
      ...(l.innerDropout?.length
        ? {
            innerDropout: l.innerDropout.map((d) => {
              const label = rnnDropoutLabel(d);
              return {
                ...dropout(d),
                ...(d.origin.property ? { property: d.origin.property } : {}),
                ...(label ? { label: label.name, note: label.note } : {}),
              };
            }),
          }
        : {}),
    })),
  };
}

function dropout(d: DropoutSpec): InspectDropout {
  return {
    variant: d.variant,
    rate: Number.isFinite(d.rate) ? d.rate : null,
    ...(d.rawRate !== undefined ? { rawRate: d.rawRate } : {}),
    ...(d.stddev !== undefined ? { stddev: Number.isFinite(d.stddev) ? d.stddev : null } : {}),
    ...(d.rawStddev !== undefined ? { rawStddev: d.rawStddev } : {}),
    scaling: d.scaling,
    mode: d.mode,
    ...(d.noiseShape ? { noiseShape: d.noiseShape } : {}),
    ...(d.schedule ? { schedule: d.schedule } : {}),
  };
}

const count = (n: number) => n.toLocaleString('en-US');

function dropoutText(d: InnerDropout): string {
  const rate = d.rate ?? JSON.stringify(d.rawRate) ?? '?';
  if (d.label) return `${d.label} ${rate} (${d.note})`;
  const level =
    d.variant === 'gaussian-noise'
      ? `σ ${d.stddev ?? JSON.stringify(d.rawStddev) ?? '?'}`
      : `rate ${d.rate ?? JSON.stringify(d.rawRate) ?? '?'}`;
  const notes = [
    d.scaling === 'inference-scale' ? 'inference-scale' : '',
    d.mode !== 'train-only' ? d.mode : '',
    d.schedule && d.schedule.kind !== 'constant' ? `${d.schedule.kind} @ epoch ${d.schedule.epoch}` : '',
  ].filter(Boolean);
  return [`${d.variant} ${level}`, ...notes].join(', ');
}

function formatText(r: InspectReport): string {
  const rows = r.layers.map((l) => [
    l.name,
    l.op,
    shapeText(l.outputShape),
    count(l.params),
    // An RNN's dropout at rate 0 drops nothing: nothing to show.
    [l.dropout, ...(l.innerDropout ?? []).filter((d) => !(d.label && d.rate === 0))]
      .filter((d) => d !== undefined)
      .map(dropoutText)
      .join('; '),
  ]);
  const header = ['layer', 'op', 'output shape', 'params', 'dropout'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  // Params are right-aligned so the digits line up.
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 3 ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  const tensors = (ts: InspectReport['inputs']) =>
    ts.map((t) => `${t.name} ${shapeText(t.shape)}`).join(', ');
  return [
    `${r.name} (${r.format})`,
    `inputs:  ${tensors(r.inputs)}`,
    `outputs: ${tensors(r.outputs)}`,
    ...(r.mcModel ? [`MC model: marked by ${r.mcModel}`] : []),
    '',
    line(header),
    ...rows.map(line),
    '',
    shapeCoverageText(r.shapes),
    `total params: ${count(r.params)} (trainable: ${count(r.trainableParams)})`,
    ...(r.paramsIncomplete ? [`params may be incomplete: ${r.paramsIncomplete.join('; ')}`] : []),
  ].join('\n');
}
