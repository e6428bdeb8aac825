// The layer table as CSV (RFC 4180) and as a Markdown table: the rows the user sees, in that order.
import type { LayerRow, WireModel } from '../../src/protocol/model-view';
import { cellName, dropoutText, isNoise, levelText, rateText } from './table-model';

const COLUMNS = [
  'layer',
  'op',
  'output shape',
  'params',
  'dropout variant',
  'rate',
  'keep',
  'scaling',
  'mode',
  'noise shape',
  'findings',
];

/** Several dropouts in one layer (an RNN's dropout and recurrent_dropout) share a cell, "; "-joined. */
function cells(row: LayerRow): string[] {
  const each = (f: (d: LayerRow['dropout'][number]) => string) => row.dropout.map(f).join('; ');
  return [
    row.name,
    row.op,
    row.outputShape,
    String(row.params),
    each(cellName),
    // Gaussian noise drops nothing: its σ goes in the rate column, marked, and it has no keep probability.
    each((d) => (isNoise(d) ? levelText(d) : rateText(d))),
    each((d) => (isNoise(d) ? '' : d.keep === null ? '?' : String(d.keep))),
    each((d) => d.scaling),
    each((d) => d.mode),
    each((d) => d.noiseShape ?? ''),
    row.findings.map((f) => `${f.severity} ${f.rule}: ${f.message}`).join('; '),
  ];
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function toCsv(rows: readonly LayerRow[]): string {
  return [COLUMNS, ...rows.map(cells)].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

function mdCell(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function toMarkdown(model: WireModel, rows: readonly LayerRow[]): string {
  const line = (values: string[]) => `| ${values.map(mdCell).join(' | ')} |`;
  const header = ['layer', 'op', 'output shape', 'params', 'dropout', 'findings'];
  const body = rows.map((row) =>
    line([
      row.name,
      row.op,
      row.outputShape,
      row.params.toLocaleString('en-US'),
      row.dropout.map(dropoutText).join('; '),
      row.findings.map((f) => `${f.severity} \`${f.rule}\`: ${f.message}`).join('; '),
    ]),
  );
  return [
    `# ${mdCell(model.name)}`,
    '',
    `${model.fileName} (${model.format}), ${model.params.toLocaleString('en-US')} parameters`,
    '',
    line(header),
    `|${header.map((_, i) => (i === 3 ? ' ---: ' : ' --- ')).join('|')}|`,
    ...body,
    '',
  ].join('\n');
}
