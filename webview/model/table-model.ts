// The layer table's pure logic: how a dropout cell reads, and which rows show in which order for a
// filter text and a sort column. No DOM here, so it is unit-tested in Node.
import type { DropoutCell, LayerRow, RowFinding } from '../../src/protocol/model-view';

export const SORT_KEYS = ['index', 'name', 'op', 'outputShape', 'params', 'dropout', 'findings'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface SortState {
  key: SortKey;
  descending: boolean;
}

const SEVERITY_RANK: Record<RowFinding['severity'], number> = { error: 0, warning: 1, info: 2, hint: 3 };

export function rateText(cell: DropoutCell): string {
  return cell.rate === null ? (cell.rawRate ?? '?') : String(cell.rate);
}

/** Gaussian noise drops nothing: it has a σ, no rate and no keep probability. */
export const isNoise = (cell: DropoutCell) => cell.variant === 'gaussian-noise';

/** "σ 0.1" for Gaussian noise, which drops nothing; otherwise "rate 0.3 · keep 0.7" (with `joiner`). */
export function levelText(cell: DropoutCell, joiner = ' · '): string {
  if (isNoise(cell)) return `σ ${cell.stddev ?? cell.rawStddev ?? '?'}`;
  return `rate ${rateText(cell)}${joiner}keep ${cell.keep ?? '?'}`;
}

/** The node label's short form: "0.3", or "σ 0.1" for Gaussian noise. */
export const shortLevel = (cell: DropoutCell): string =>
  isNoise(cell) ? levelText(cell) : String(cell.rate ?? '?');

/** "input dropout" for an RNN's, "recurrent_dropout: variational" for another inner dropout. */
export const cellName = (cell: DropoutCell): string =>
  cell.label ?? (cell.property ? `${cell.property}: ${cell.variant}` : cell.variant);

/** "input dropout (one mask per sequence), rate 0.3, keep 0.7, inverted, train-only, noise [?, 1, 8]" */
export function dropoutText(cell: DropoutCell): string {
  return [
    cell.note ? `${cellName(cell)} (${cell.note})` : cellName(cell),
    levelText(cell, ', '),
    cell.scaling,
    cell.mode,
    ...(cell.noiseShape ? [`noise ${cell.noiseShape}`] : []),
    ...(cell.keepProbability ? ['converted from keep_prob'] : []),
  ].join(', ');
}

/** The most severe finding of a row, for its icon and for sorting. */
export function worstFinding(row: LayerRow): RowFinding | undefined {
  return [...row.findings].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity])[0];
}

function matches(row: LayerRow, needle: string): boolean {
  const haystack = [
    row.name,
    row.op,
    row.originalOp,
    row.outputShape,
    ...row.dropout.map(dropoutText),
    ...row.findings.map((f) => `${f.rule} ${f.message}`),
  ];
  return haystack.some((text) => text.toLowerCase().includes(needle));
}

/** Rows without a value for the key (no dropout, no findings) always sort last. */
function compare(a: LayerRow, b: LayerRow, key: SortKey): number | undefined {
  switch (key) {
    case 'index':
      return a.index - b.index;
    case 'params':
      return a.params - b.params;
    case 'name':
    case 'op':
    case 'outputShape':
      return a[key].localeCompare(b[key], undefined, { numeric: true });
    case 'dropout': {
      const ra = a.dropout[0]?.rate;
      const rb = b.dropout[0]?.rate;
      if (ra === undefined || rb === undefined) return undefined;
      return (ra ?? Number.POSITIVE_INFINITY) - (rb ?? Number.POSITIVE_INFINITY);
    }
    case 'findings': {
      const wa = worstFinding(a);
      const wb = worstFinding(b);
      if (!wa || !wb) return undefined;
      // Most severe first when ascending: that is what someone sorting by findings looks for.
      return SEVERITY_RANK[wa.severity] - SEVERITY_RANK[wb.severity] || b.findings.length - a.findings.length;
    }
  }
}

function hasValue(row: LayerRow, key: SortKey): boolean {
  if (key === 'dropout') return row.dropout.length > 0;
  if (key === 'findings') return row.findings.length > 0;
  return true;
}

export function visibleRows(rows: readonly LayerRow[], filter: string, sort: SortState): LayerRow[] {
  const needle = filter.trim().toLowerCase();
  const shown = needle ? rows.filter((r) => matches(r, needle)) : [...rows];
  const direction = sort.descending ? -1 : 1;
  return shown.sort((a, b) => {
    const va = hasValue(a, sort.key);
    const vb = hasValue(b, sort.key);
    if (va !== vb) return va ? -1 : 1;
    const c = va ? (compare(a, b, sort.key) ?? 0) : 0;
    return c * direction || a.index - b.index;
  });
}
