// The layer table: sortable headers (buttons, so they take focus), one focusable row at a time (roving
// tabindex, arrow keys / Home / End), Enter or Space or a click activates a row.
import type { DropoutCell, LayerRow, RowFinding } from '../../src/protocol/model-view';
import { h, icon } from '../shared/dom';
import { rateText, type SortKey, type SortState } from './table-model';

const COLUMNS: { key: SortKey; label: string; numeric?: boolean }[] = [
  { key: 'index', label: '#', numeric: true },
  { key: 'name', label: 'Layer' },
  { key: 'op', label: 'Op' },
  { key: 'outputShape', label: 'Output shape' },
  { key: 'params', label: 'Params', numeric: true },
  { key: 'dropout', label: 'Dropout' },
  { key: 'findings', label: 'Findings' },
];

export const SEVERITY_ICON: Record<RowFinding['severity'], string> = {
  error: 'error',
  warning: 'warning',
  info: 'info',
  hint: 'lightbulb',
};

export interface TableEvents {
  activate(row: LayerRow): void;
  sort(key: SortKey): void;
}

function dropoutCell(cell: DropoutCell): HTMLElement {
  const details = [cell.scaling, cell.mode, cell.noiseShape ? `noise ${cell.noiseShape}` : undefined]
    .filter(Boolean)
    .join(' · ');
  return h(
    'div',
    { class: 'dropout' },
    h('span', { class: 'variant' }, cell.property ? `${cell.property}: ${cell.variant}` : cell.variant),
    ' ',
    h('span', { class: 'rate' }, `rate ${rateText(cell)} · keep ${cell.keep ?? '?'}`),
    cell.keepProbability ? h('span', { class: 'muted', title: 'stored as keep_prob' }, ' (keep_prob)') : null,
    h('div', { class: 'muted small' }, details),
  );
}

function findingCell(finding: RowFinding): HTMLElement {
  const summary = h(
    'summary',
    { title: finding.message },
    icon(SEVERITY_ICON[finding.severity], `sev-${finding.severity}`),
    ' ',
    h('span', { class: 'rule' }, finding.rule),
  );
  // A click on the disclosure expands the message; it must not also activate the row.
  summary.addEventListener('click', (e) => e.stopPropagation());
  return h(
    'details',
    { class: `finding sev-${finding.severity}` },
    summary,
    h('div', { class: 'message' }, finding.message),
  );
}

export class LayerTable {
  readonly element = h('table', { class: 'layers', role: 'grid', 'aria-label': 'Layers' });
  private readonly body = h('tbody');
  private focusedId: string | undefined;
  private byId = new Map<string, LayerRow>();

  constructor(private readonly events: TableEvents) {
    this.body.addEventListener('keydown', (e) => this.onKey(e));
    this.body.addEventListener('click', (e) => {
      const row = (e.target as Element).closest('tr');
      if (row) this.activate(row);
    });
  }

  render(rows: LayerRow[], sort: SortState): void {
    const head = h(
      'tr',
      {},
      ...COLUMNS.map((c) => {
        const active = sort.key === c.key;
        const button = h(
          'button',
          { class: 'sort', type: 'button', 'data-key': c.key },
          c.label,
          active ? icon(sort.descending ? 'arrow-down' : 'arrow-up') : null,
        );
        button.addEventListener('click', () => this.events.sort(c.key));
        return h(
          'th',
          {
            scope: 'col',
            class: c.numeric ? 'num' : '',
            'aria-sort': active ? (sort.descending ? 'descending' : 'ascending') : 'none',
          },
          button,
        );
      }),
    );
    this.byId = new Map(rows.map((r) => [r.id, r]));
    if (!this.focusedId || !this.byId.has(this.focusedId)) this.focusedId = rows[0]?.id;
    this.body.replaceChildren(...rows.map((r) => this.row(r)));
    this.element.replaceChildren(h('thead', {}, head), this.body);
    if (rows.length === 0) {
      this.body.append(
        h('tr', {}, h('td', { colspan: COLUMNS.length, class: 'muted' }, 'No layer matches.')),
      );
    }
  }

  private row(r: LayerRow): HTMLTableRowElement {
    const worst = r.findings.length > 0 ? r.findings.map((f) => f.severity) : [];
    const classes = [
      r.dropout.length > 0 ? 'has-dropout' : '',
      worst.includes('error') ? 'row-error' : worst.includes('warning') ? 'row-warning' : '',
    ];
    return h(
      'tr',
      {
        'data-id': r.id,
        tabindex: r.id === this.focusedId ? 0 : -1,
        class: classes.join(' ').trim(),
        title: r.range ? 'Enter: show in the model file' : 'Enter: show in the graph',
      },
      h('td', { class: 'num muted' }, String(r.index)),
      h('td', { class: 'name mono' }, r.name),
      h('td', { class: 'op' }, r.op),
      h('td', { class: 'shape mono' }, r.outputShape),
      h('td', { class: 'num' }, r.params.toLocaleString('en-US')),
      h('td', { class: 'dropout-col' }, ...r.dropout.map(dropoutCell)),
      h('td', { class: 'findings' }, ...r.findings.map(findingCell)),
    );
  }

  /** Moves keyboard focus to a row (after a sort or filter, or from the graph). */
  focus(id: string): void {
    const row = this.body.querySelector<HTMLTableRowElement>(`tr[data-id="${CSS.escape(id)}"]`);
    if (row) this.moveTo(row);
  }

  private moveTo(row: HTMLTableRowElement): void {
    for (const r of this.body.querySelectorAll('tr[tabindex="0"]')) r.setAttribute('tabindex', '-1');
    row.setAttribute('tabindex', '0');
    this.focusedId = row.dataset.id;
    row.focus();
  }

  private activate(row: HTMLTableRowElement): void {
    const data = this.byId.get(row.dataset.id ?? '');
    if (!data) return;
    this.moveTo(row);
    this.events.activate(data);
  }

  private onKey(e: KeyboardEvent): void {
    const row = (e.target as Element).closest('tr');
    if (!row || (e.target as Element).closest('summary')) return;
    const rows = [...this.body.querySelectorAll<HTMLTableRowElement>('tr[data-id]')];
    const at = rows.indexOf(row);
    const go = (i: number) => {
      const target = rows[Math.max(0, Math.min(rows.length - 1, i))];
      if (target) this.moveTo(target);
    };
    switch (e.key) {
      case 'ArrowDown':
        go(at + 1);
        break;
      case 'ArrowUp':
        go(at - 1);
        break;
      case 'PageDown':
        go(at + 10);
        break;
      case 'PageUp':
        go(at - 10);
        break;
      case 'Home':
        go(0);
        break;
      case 'End':
        go(rows.length - 1);
        break;
      case 'Enter':
      case ' ':
        this.activate(row);
        break;
      default:
        return;
    }
    e.preventDefault();
  }
}
