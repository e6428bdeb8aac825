// The layer table: sortable, resizable headers, one tab stop for the headers and one for the rows (roving
// tabindex: arrow keys / Home / End move), Enter or Space or a click sorts by a header or activates a row.
// On a header, Alt or Ctrl with Left / Right resizes its column (the drag handles are for the mouse only).
import type { DropoutCell, LayerRow, RowFinding } from '../../src/protocol/model-view';
import { h, icon } from '../shared/dom';
import { cellName, levelText, type SortKey, type SortState } from './table-model';

export const SEVERITY_ICON: Record<RowFinding['severity'], string> = {
  error: 'error',
  warning: 'warning',
  info: 'info',
  hint: 'lightbulb',
};

export interface TableEvents {
  /** `byKeyboard`: Enter or Space, after which the focus stays where the keys go on. */
  activate(row: LayerRow, byKeyboard: boolean): void;
  sort(key: SortKey): void;
  /** Column widths in pixels after the user resized one, to keep in the page state. */
  resize(widths: Partial<Record<SortKey, number>>): void;
}

/** Up to this many rows are all in the document (find in page sees them); more are windowed. */
const ALL_ROWS_LIMIT = 300;
/** Rows rendered above and below the visible ones. */
const OVERSCAN = 20;
const MIN_COLUMN = 32;
/** How much one key press resizes a column, in pixels. */
const RESIZE_STEP = 16;

function dropoutCell(cell: DropoutCell): HTMLElement {
  const details = [
    cell.note,
    cell.scaling,
    cell.mode,
    cell.noiseShape ? `noise ${cell.noiseShape}` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  return h(
    'div',
    { class: 'dropout' },
    h('span', { class: 'variant' }, cellName(cell)),
    ' ',
    h('span', { class: 'rate' }, levelText(cell)),
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

/**
 * The columns, in screen order: the dropout and its findings come right after the op, so a narrow
 * editor shows them without scrolling sideways.
 */
const COLUMNS: { key: SortKey; label: string; numeric?: boolean; cell(r: LayerRow): HTMLElement }[] = [
  { key: 'index', label: '#', numeric: true, cell: (r) => h('td', { class: 'num muted' }, String(r.index)) },
  { key: 'name', label: 'Layer', cell: (r) => h('td', { class: 'name mono', title: r.name }, r.name) },
  { key: 'op', label: 'Op', cell: (r) => h('td', { class: 'op', title: r.op }, r.op) },
  {
    key: 'dropout',
    label: 'Dropout',
    cell: (r) => h('td', { class: 'dropout-col' }, ...r.dropout.map(dropoutCell)),
  },
  {
    key: 'findings',
    label: 'Findings',
    cell: (r) => h('td', { class: 'findings' }, ...r.findings.map(findingCell)),
  },
  {
    key: 'outputShape',
    label: 'Output shape',
    cell: (r) => h('td', { class: 'shape mono', title: r.outputShape }, r.outputShape),
  },
  {
    key: 'params',
    label: 'Params',
    numeric: true,
    cell: (r) => h('td', { class: 'num' }, r.params.toLocaleString('en-US')),
  },
];

/**
 * A big model's thousands of rows are windowed: only the rows near the scrolled-to position are in the
 * document, between two spacer rows sized from the measured mean row height. Columns have fixed widths
 * (resizable), so they do not jump as other rows scroll in, and long names end in an ellipsis with the
 * full text as a tooltip.
 */
export class LayerTable {
  private readonly table = h('table', { class: 'layers', role: 'grid', 'aria-label': 'Layers' });
  readonly element = h('div', { class: 'table-wrap' }, this.table);
  private readonly body = h('tbody');
  private focusedId: string | undefined;
  /** The layer selected in the view (table, graph or a finding opened from Problems). */
  private selectedId: string | undefined;
  /** Set when the selected row should be scrolled into view once the table has a size. */
  private revealSelected = false;
  /** The header that has the headers' tab stop. */
  private focusedKey: SortKey = COLUMNS[0]!.key;
  private rows: LayerRow[] = [];
  private indexOf = new Map<string, number>();
  private rowHeight = 24;
  private window = { start: 0, end: 0 };
  private frame = 0;
  private widths: Partial<Record<SortKey, number>>;

  constructor(
    private readonly events: TableEvents,
    widths: Partial<Record<SortKey, number>> = {},
  ) {
    this.widths = { ...widths };
    this.body.addEventListener('keydown', (e) => this.onKey(e));
    this.body.addEventListener('click', (e) => {
      const row = (e.target as Element).closest<HTMLTableRowElement>('tr[data-id]');
      if (row) this.activate(row.dataset.id ?? '', false);
    });
    this.element.addEventListener('scroll', () => {
      if (this.frame || this.rows.length <= ALL_ROWS_LIMIT) return;
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.renderWindow();
      });
    });
  }

  render(rows: LayerRow[], sort: SortState): void {
    // A header sorted with the keyboard is drawn again: the new one keeps the focus.
    const headerFocus = this.table.tHead?.contains(document.activeElement) ?? false;
    const head = h('tr', { 'aria-rowindex': 1 }, ...COLUMNS.map((c) => this.header(c, sort)));
    this.rows = rows;
    this.indexOf = new Map(rows.map((r, i) => [r.id, i]));
    if (!this.focusedId || !this.indexOf.has(this.focusedId)) this.focusedId = rows[0]?.id;
    this.table.setAttribute('aria-rowcount', String(rows.length + 1));
    this.table.replaceChildren(h('thead', {}, head), this.body);
    this.sizeTable();
    if (headerFocus) this.headerButton(this.focusedKey)?.focus();
    this.renderWindow();
    if (rows.length === 0) {
      this.body.replaceChildren(
        h('tr', {}, h('td', { colspan: COLUMNS.length, class: 'muted' }, 'No layer matches.')),
      );
    }
  }

  /** Redraws the rows after the table's tab is shown again (a hidden tab has no height to window). */
  refresh(): void {
    this.renderWindow();
    this.scrollToSelected();
  }

  /**
   * Marks the selected layer's row; `reveal` also makes it the row the keyboard starts from and scrolls it
   * into view, now or when the table's tab is shown (without taking the focus).
   */
  select(id: string | undefined, reveal = false): void {
    this.selectedId = id;
    if (reveal && id !== undefined && this.indexOf.has(id)) {
      this.focusedId = id;
      this.revealSelected = true;
    }
    this.renderWindow();
    this.scrollToSelected();
  }

  private scrollToSelected(): void {
    const at = this.selectedId === undefined ? undefined : this.indexOf.get(this.selectedId);
    if (!this.revealSelected || at === undefined || this.element.clientHeight === 0) return;
    this.revealSelected = false;
    if (at < this.window.start || at >= this.window.end) {
      this.element.scrollTop = Math.max(0, at * this.rowHeight - this.element.clientHeight / 2);
      this.renderWindow();
    }
    this.body
      .querySelector(`tr[data-id="${CSS.escape(this.selectedId as string)}"]`)
      ?.scrollIntoView({ block: 'nearest' });
  }

  private header(c: (typeof COLUMNS)[number], sort: SortState): HTMLElement {
    const active = sort.key === c.key;
    const button = h(
      'button',
      {
        class: 'sort',
        type: 'button',
        'data-key': c.key,
        tabindex: c.key === this.focusedKey ? 0 : -1,
        title: `Sort by ${c.label}. Alt+Left / Alt+Right (or Ctrl): narrower / wider column`,
        'aria-keyshortcuts': 'Alt+ArrowLeft Alt+ArrowRight Control+ArrowLeft Control+ArrowRight',
      },
      c.label,
      active ? icon(sort.descending ? 'arrow-down' : 'arrow-up') : null,
    );
    button.addEventListener('click', () => {
      this.focusedKey = c.key;
      this.events.sort(c.key);
    });
    const width = this.widths[c.key];
    const th = h(
      'th',
      {
        scope: 'col',
        class: `col-${c.key} ${c.numeric ? 'num' : ''}`.trim(),
        'aria-sort': active ? (sort.descending ? 'descending' : 'ascending') : 'none',
      },
      button,
    );
    if (width) th.style.width = `${width}px`;
    const resize = (width: number) => {
      this.holdWidths();
      const w = Math.max(MIN_COLUMN, Math.round(width));
      th.style.width = `${w}px`;
      this.widths[c.key] = w;
      this.sizeTable();
    };
    button.addEventListener('keydown', (e) => this.onHeaderKey(e, c.key, th, resize));
    th.append(this.resizer(th, resize));
    return th;
  }

  /**
   * Before the first resize every column keeps the width it is drawn at, in pixels: the table then is as
   * wide as its columns (scrolling sideways if need be), and one column grows or shrinks by what the
   * user asks, not by a share of the view.
   */
  private holdWidths(): void {
    for (const th of this.table.querySelectorAll<HTMLElement>('thead th')) {
      const key = COLUMNS.find((c) => th.classList.contains(`col-${c.key}`))?.key;
      if (!key || this.widths[key]) continue;
      this.widths[key] = Math.round(th.getBoundingClientRect().width);
      th.style.width = `${this.widths[key]}px`;
    }
  }

  /** A table whose every column the user sized is as wide as their sum; else it fills the view. */
  private sizeTable(): void {
    const widths = COLUMNS.map((c) => this.widths[c.key]);
    const all = widths.every((w) => w !== undefined);
    this.table.style.width = all ? `${widths.reduce((a, b) => (a ?? 0) + (b ?? 0), 0)}px` : '';
    this.table.style.minWidth = all ? '0' : '';
  }

  private headerButton(key: SortKey): HTMLElement | null {
    return this.table.querySelector<HTMLElement>(`button.sort[data-key="${key}"]`);
  }

  /** Left / Right / Home / End move between headers, Down goes to the rows; with Alt or Ctrl, resize. */
  private onHeaderKey(e: KeyboardEvent, key: SortKey, th: HTMLElement, resize: (w: number) => void): void {
    const at = COLUMNS.findIndex((c) => c.key === key);
    const horizontal = e.key === 'ArrowLeft' || e.key === 'ArrowRight';
    if (horizontal && (e.altKey || e.ctrlKey)) {
      resize(th.getBoundingClientRect().width + (e.key === 'ArrowRight' ? RESIZE_STEP : -RESIZE_STEP));
      this.events.resize({ ...this.widths });
    } else if (horizontal || e.key === 'Home' || e.key === 'End') {
      const to =
        e.key === 'Home' ? 0 : e.key === 'End' ? COLUMNS.length - 1 : at + (e.key === 'ArrowRight' ? 1 : -1);
      const next = COLUMNS[Math.max(0, Math.min(COLUMNS.length - 1, to))]!.key;
      this.headerButton(key)?.setAttribute('tabindex', '-1');
      this.focusedKey = next;
      const button = this.headerButton(next);
      button?.setAttribute('tabindex', '0');
      button?.focus();
    } else if (e.key === 'ArrowDown') {
      const focused = this.focusedId === undefined ? undefined : this.indexOf.get(this.focusedId);
      this.moveTo(focused ?? 0);
    } else return;
    e.preventDefault();
  }

  /** A drag handle on the column's right edge, for the mouse (the header's keys resize too). */
  private resizer(th: HTMLElement, set: (width: number) => void): HTMLElement {
    const handle = h('span', { class: 'resizer', 'aria-hidden': 'true' });
    handle.addEventListener('pointerdown', (e) => {
      e.preventDefault();
      const startX = e.clientX;
      const startWidth = th.getBoundingClientRect().width;
      handle.setPointerCapture(e.pointerId);
      const move = (m: PointerEvent) => set(startWidth + m.clientX - startX);
      const up = () => {
        handle.removeEventListener('pointermove', move);
        handle.removeEventListener('pointerup', up);
        this.events.resize({ ...this.widths });
      };
      handle.addEventListener('pointermove', move);
      handle.addEventListener('pointerup', up);
    });
    handle.addEventListener('click', (e) => e.stopPropagation());
    return handle;
  }

  /** Renders the rows around the scroll position (all of them for a small model). */
  private renderWindow(): void {
    const n = this.rows.length;
    if (n === 0) return;
    let start = 0;
    let end = n;
    // Scrolling re-renders the rows: the focused one keeps keyboard focus in its new element.
    const hadFocus = this.body.contains(document.activeElement);
    if (n > ALL_ROWS_LIMIT) {
      const height = this.element.clientHeight || 600;
      const count = Math.ceil(height / this.rowHeight) + 2 * OVERSCAN;
      start = Math.max(0, Math.floor(this.element.scrollTop / this.rowHeight) - OVERSCAN);
      // Rows measured taller than estimated can put the focused row just outside the scroll position's
      // window; it stays drawn, or focus would fall to the page.
      const focused = hadFocus && this.focusedId ? this.indexOf.get(this.focusedId) : undefined;
      if (focused !== undefined && (focused < start || focused >= start + count))
        start = Math.max(0, Math.min(focused - OVERSCAN, n - count));
      end = Math.min(n, start + count);
    }
    this.window = { start, end };
    const rows = this.rows.slice(start, end).map((r, i) => this.row(r, start + i));
    // Sizes go through the style object: the page's CSP drops inline style attributes.
    const spacer = (count: number) => {
      if (count === 0) return null;
      const cell = h('td', { colspan: COLUMNS.length });
      cell.style.height = `${count * this.rowHeight}px`;
      return h('tr', { class: 'spacer', 'aria-hidden': 'true' }, cell);
    };
    const top = spacer(start);
    const bottom = spacer(n - end);
    this.body.replaceChildren(...[top, ...rows, bottom].filter((r): r is HTMLTableRowElement => r !== null));
    if (hadFocus && this.focusedId) {
      this.body
        .querySelector<HTMLTableRowElement>(`tr[data-id="${CSS.escape(this.focusedId)}"]`)
        ?.focus({ preventScroll: true });
    }
    if (n > ALL_ROWS_LIMIT && rows.length > 0) {
      // Spacers use the mean height of the rows drawn so far; a row with a dropout cell is taller.
      const measured = rows.reduce((t, r) => t + r.getBoundingClientRect().height, 0) / rows.length;
      if (measured > 0) this.rowHeight = measured;
    }
  }

  private row(r: LayerRow, position: number): HTMLTableRowElement {
    const worst = r.findings.length > 0 ? r.findings.map((f) => f.severity) : [];
    const classes = [
      r.dropout.length > 0 ? 'has-dropout' : '',
      worst.includes('error') ? 'row-error' : worst.includes('warning') ? 'row-warning' : '',
    ];
    return h(
      'tr',
      {
        'data-id': r.id,
        'aria-rowindex': position + 2,
        tabindex: r.id === this.focusedId ? 0 : -1,
        'aria-selected': r.id === this.selectedId ? 'true' : 'false',
        class: classes.join(' ').trim(),
        title: r.range ? 'Enter: show in the model file' : 'Enter: show in the graph',
      },
      ...COLUMNS.map((c) => c.cell(r)),
    );
  }

  /** Focuses the row at a position, scrolling it into the rendered window first when it is outside. */
  private moveTo(position: number): void {
    const r = this.rows[position];
    if (!r) return;
    this.focusedId = r.id;
    if (position < this.window.start || position >= this.window.end) {
      this.element.scrollTop = Math.max(0, position * this.rowHeight - this.element.clientHeight / 2);
      this.renderWindow();
    }
    for (const tr of this.body.querySelectorAll('tr[tabindex="0"]')) tr.setAttribute('tabindex', '-1');
    const tr = this.body.querySelector<HTMLTableRowElement>(`tr[data-id="${CSS.escape(r.id)}"]`);
    tr?.setAttribute('tabindex', '0');
    tr?.focus();
  }

  private activate(id: string, byKeyboard: boolean): void {
    const at = this.indexOf.get(id);
    const data = at === undefined ? undefined : this.rows[at];
    if (at === undefined || !data) return;
    this.moveTo(at);
    this.events.activate(data, byKeyboard);
  }

  private onKey(e: KeyboardEvent): void {
    const row = (e.target as Element).closest<HTMLTableRowElement>('tr[data-id]');
    if (!row || (e.target as Element).closest('summary')) return;
    const at = this.indexOf.get(row.dataset.id ?? '') ?? 0;
    const go = (i: number) => this.moveTo(Math.max(0, Math.min(this.rows.length - 1, i)));
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
        go(this.rows.length - 1);
        break;
      case 'Enter':
      case ' ':
        this.activate(row.dataset.id ?? '', true);
        break;
      default:
        return;
    }
    e.preventDefault();
  }
}
