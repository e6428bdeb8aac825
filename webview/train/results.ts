// The results table (final and best metrics, generalisation gap, time) and the training-time hints the
// engine derived. A plain table: screen readers announce its headers, and the e2e tests read its cells by
// data-* names.
import type { SaveKind, TrainHint } from '../../src/protocol/train-panel';
import { h } from '../shared/dom';
import { menuButton } from '../shared/menu';
import type { RunView } from './view-state';

const pct = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : `${(100 * v).toFixed(1)}%`;
const num = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(4));

const SAVES = [
  ['weights', 'Save weights'],
  ['onnx', 'Export ONNX'],
  ['pytorch', 'Export PyTorch'],
  ['keras', 'Export Keras'],
] as const satisfies readonly (readonly [SaveKind, string])[];

export function renderTable(
  host: HTMLElement,
  runs: RunView[],
  running: boolean,
  onSave: (kind: SaveKind, run: string) => void,
): void {
  const table = h('table', { class: 'results', 'aria-label': 'Results per run' });
  const head = h('tr');
  // The run's Save / Export menu comes right after its name, so a narrow panel that scrolls the metrics
  // sideways still shows it.
  for (const title of [
    'Run',
    '',
    'Epochs',
    'Train loss',
    'Val loss',
    'Train acc',
    'Val acc',
    'Best val acc',
    'Gap',
    'Time',
  ])
    head.append(h('th', { scope: 'col' }, title));
  table.append(h('thead'), h('tbody'));
  table.tHead?.append(head);
  for (const r of runs) {
    const last = r.epochs[r.epochs.length - 1];
    const best = r.epochs.reduce((b, e) => Math.max(b, e.valAcc ?? -1), -1);
    const gap = last && last.valAcc !== null ? last.trainAcc - last.valAcc : null;
    const row = h('tr', { 'data-run': r.name });
    const cell = (metric: string, text: string) => row.append(h('td', { 'data-metric': metric }, text));
    row.append(h('th', { scope: 'row' }, r.name));
    const actions = h('td');
    if (r.status === 'done' && !running)
      actions.append(
        menuButton(
          'Save / Export',
          { secondary: true, 'aria-label': `Save or export ${r.name}` },
          SAVES,
          (kind) => onSave(kind, r.name),
        ),
      );
    row.append(actions);
    cell(
      'epochs',
      `${r.epochs.length}${r.total ? `/${r.total}` : ''}${r.status === 'cancelled' ? ' (cancelled)' : ''}`,
    );
    cell('trainLoss', num(last?.trainLoss));
    cell('valLoss', num(last?.valLoss));
    cell('trainAcc', pct(last?.trainAcc));
    cell('valAcc', pct(last?.valAcc));
    cell('bestValAcc', best < 0 ? '—' : pct(best));
    cell('gap', gap === null ? '—' : `${(100 * gap).toFixed(1)} pt`);
    cell('seconds', r.seconds === undefined ? '—' : `${r.seconds.toFixed(1)} s`);
    table.tBodies[0]?.append(row);
  }
  // A redrawn table keeps the keyboard focus on the same control (its menu button after a save).
  const focused = host.contains(document.activeElement) && document.activeElement?.getAttribute('aria-label');
  // A narrow panel scrolls the table sideways, not the page.
  host.replaceChildren(h('div', { class: 'table-scroll' }, table));
  if (focused) table.querySelector<HTMLElement>(`[aria-label="${CSS.escape(focused)}"]`)?.focus();
}

export function renderHints(host: HTMLElement, hints: TrainHint[]): void {
  host.replaceChildren(
    ...hints.map((hint) => h('p', { class: 'hint', 'data-hint': hint.kind }, hint.message)),
  );
  host.hidden = hints.length === 0;
}
