// The model view page: header, layer table and graph tabs, exports. Sort, filter, tab, selection and
// zoom live in webview state, so the page comes back as it was after being hidden or reloaded.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import {
  isToModelView,
  type ExportKind,
  type FromModelView,
  type LayerRow,
  type ToModelView,
  type WireModel,
} from '../../src/protocol/model-view';
import { connect } from '../shared/host';
import { h, icon } from '../shared/dom';
import { menuButton } from '../shared/menu';
import { renderDetails } from './details';
import type { WeightsState } from './weights';
import { toCsv, toMarkdown } from './export';
import { GraphCanvas, type View } from './graph';
import { renderHeader } from './header';
import { LayerTable } from './table';
import { SORT_KEYS, visibleRows, type SortKey, type SortState } from './table-model';

interface State {
  uri: string;
  filter: string;
  search: string;
  sort: SortState;
  tab: number;
  selected: string;
  view: View;
  columns: Partial<Record<SortKey, number>>;
  /** The header's facts folded away (the user's choice, kept). */
  headerClosed: boolean;
}

const host = connect<ToModelView, FromModelView, State>(isToModelView);
const root = document.getElementById('root') as HTMLElement;
let model: WireModel | undefined;
let shownVersion: number | undefined;
let built = false;

const table = new LayerTable(
  {
    activate: (row, byKeyboard) => select(row, true, byKeyboard),
    sort: (key: SortKey) => {
      const sort = host.getState().sort;
      host.setState({ sort: { key, descending: sort?.key === key ? !sort.descending : false } });
      renderTable();
    },
    resize: (columns) => host.setState({ columns }),
  },
  host.getState().columns,
);
const canvas = new GraphCanvas(
  (id) => {
    const row = model?.rows.find((r) => r.id === id);
    if (row) select(row, false);
  },
  (view) => host.setState({ view }),
);
const tableStatus = h('span', { class: 'muted', role: 'status' });
const details = h('aside', { class: 'details', 'aria-label': 'Layer details' });
const tabs = h('vscode-tabs' as 'div', {});

function sortState(): SortState {
  const s = host.getState().sort;
  return s && SORT_KEYS.includes(s.key) ? s : { key: 'index', descending: false };
}

function renderTable(): LayerRow[] {
  if (!model) return [];
  const rows = visibleRows(model.rows, host.getState().filter ?? '', sortState());
  table.render(rows, sortState());
  tableStatus.textContent = `${rows.length} of ${model.rows.length} layers`;
  return rows;
}

function searchMatches(): Set<string> {
  const needle = (host.getState().search ?? '').trim().toLowerCase();
  if (!model || !needle) return new Set();
  return new Set(
    model.rows
      .filter((r) => `${r.name} ${r.op} ${r.originalOp}`.toLowerCase().includes(needle))
      .map((r) => r.id),
  );
}

/** Weight statistics by layer id, as the extension sent them for this version of the model. */
let weights = new Map<string, WeightsState>();

/** Shows a layer's details, asking the extension for its weight statistics the first time. */
function showDetails(row: LayerRow | undefined): void {
  if (row && !weights.has(row.id)) {
    weights.set(row.id, 'loading');
    host.post({ type: 'weights', layerId: row.id });
  }
  details.replaceChildren(renderDetails(row, row ? weights.get(row.id) : undefined));
}

/**
 * From the table: JSON formats reveal the layer's text; ONNX (no text) shows the node in the graph. Chosen
 * with the keyboard, the focus stays in the view: on the row, or on the node in the graph.
 */
function select(row: LayerRow, fromTable: boolean, byKeyboard = false): void {
  host.setState({ selected: row.id });
  table.select(row.id);
  showDetails(row);
  const showGraph = fromTable && !row.range;
  if (showGraph) setTab(1);
  canvas.highlight(row.id, searchMatches(), showGraph || !fromTable);
  if (showGraph && byKeyboard) canvas.focusNode(row.id);
  if (fromTable && row.range) host.post({ type: 'reveal', layerId: row.id, keepFocus: byKeyboard });
}

/** A layer the extension asks for (a finding opened from Problems), kept until the model is shown. */
let requested: string | undefined;

/** Selects the requested layer: its node centred in the graph, its row marked and scrolled to in the table. */
function selectRequested(): void {
  if (!model || requested === undefined) return;
  const row = model.rows.find((r) => r.id === requested);
  host.post({ type: 'selected', layerId: requested });
  requested = undefined;
  if (!row) return;
  setTab(1);
  select(row, false);
  table.select(row.id, true);
  // The page scrolls too: below a tall header, the graph (and the node centred in it) comes into sight.
  requestAnimationFrame(() => canvas.svg.scrollIntoView({ block: 'nearest' }));
}

function setTab(index: number): void {
  tabs.setAttribute('selected-index', String(index));
  host.setState({ tab: index });
  // A hidden graph has no size: fit it when it is first shown, draw it again when it comes back.
  requestAnimationFrame(() => {
    fitHeights();
    if (index !== 1) table.refresh();
    else if (host.getState().view) canvas.refresh();
    else canvas.fit();
  });
}

const graphArea = h('div', { class: 'graph-area' }, canvas.svg, details);

/** The table and the graph end at the window's bottom, below however much the header takes. */
function fitHeights(): void {
  for (const area of [table.element, graphArea]) {
    if (area.getClientRects().length === 0) continue;
    const top = area.getBoundingClientRect().top + window.scrollY;
    // The page's bottom padding (16px) stays.
    area.style.height = `${Math.max(240, Math.floor(window.innerHeight - top - 16))}px`;
  }
}
window.addEventListener('resize', fitHeights);

function textfield(placeholder: string, value: string, onInput: (v: string) => void): HTMLElement {
  const field = h('vscode-textfield' as 'input', { placeholder, 'aria-label': placeholder, value });
  field.addEventListener('input', () => onInput((field as HTMLInputElement).value));
  return field;
}

function button(label: string, codicon: string, onClick: () => void, secondary = true): HTMLElement {
  const b = h('vscode-button' as 'button', { secondary, title: label }, icon(codicon), ` ${label}`);
  b.addEventListener('click', onClick);
  return b;
}

const EXPORTS = [
  ['csv', 'Layer table as CSV'],
  ['markdown', 'Layer table as Markdown'],
  ['svg', 'Graph as SVG'],
] as const satisfies readonly (readonly [ExportKind, string])[];

/**
 * A tab panel holds focusable content (headers, rows, the graph), so it is no Tab stop itself. The element
 * makes itself one (tabindex 0) when first drawn, and -1 would take its content out of the tab order too:
 * the attribute goes once it is drawn.
 */
function noTabStop(panel: HTMLElement): HTMLElement {
  void customElements
    .whenDefined('vscode-tab-panel')
    .then(() => (panel as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete)
    .then(() => panel.removeAttribute('tabindex'));
  return panel;
}

function exportAs(kind: ExportKind): void {
  if (!model) return;
  const rows = visibleRows(model.rows, host.getState().filter ?? '', sortState());
  const content =
    kind === 'csv' ? toCsv(rows) : kind === 'markdown' ? toMarkdown(model, rows) : canvas.exportSvg();
  host.post({ type: 'export', kind, content });
}

function renderModel(m: WireModel): void {
  model = m;
  const state = host.getState();
  if (!built) {
    built = true;
    const search = textfield('Search nodes by name or op', state.search ?? '', (search) => {
      host.setState({ search });
      canvas.highlight(host.getState().selected, searchMatches(), false);
    });
    search.addEventListener('keydown', (e) => {
      const matches = [...searchMatches()];
      if ((e as KeyboardEvent).key !== 'Enter' || matches.length === 0) return;
      const at = matches.indexOf(host.getState().selected ?? '');
      const next = model?.rows.find((r) => r.id === matches[(at + 1) % matches.length]);
      if (next) select(next, false);
    });
    tabs.replaceChildren(
      h('vscode-tab-header' as 'div', { slot: 'header' }, 'Layers'),
      noTabStop(h('vscode-tab-panel' as 'div', {}, table.element)),
      h('vscode-tab-header' as 'div', { slot: 'header' }, 'Graph'),
      noTabStop(
        h(
          'vscode-tab-panel' as 'div',
          {},
          h(
            'div',
            { class: 'toolbar' },
            search,
            button('Zoom out', 'zoom-out', () => canvas.zoom(1 / 1.25)),
            button('Zoom in', 'zoom-in', () => canvas.zoom(1.25)),
            button('Fit', 'screen-full', () => canvas.fit()),
          ),
          graphArea,
        ),
      ),
    );
    tabs.setAttribute('selected-index', String(state.tab ?? 0));
    tabs.addEventListener('vsc-tabs-select', (e) =>
      setTab((e as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex),
    );
  }
  const filter = textfield('Filter layers', state.filter ?? '', (filter) => {
    host.setState({ filter });
    renderTable();
  });
  const header = renderHeader(m, !state.headerClosed);
  header.addEventListener('toggle', () => {
    host.setState({ headerClosed: !header.open });
    fitHeights();
  });
  root.replaceChildren(
    header,
    h(
      'div',
      { class: 'toolbar' },
      filter,
      tableStatus,
      menuButton(
        'Export',
        { secondary: true, 'aria-label': 'Export the layers or the graph' },
        EXPORTS,
        exportAs,
      ),
    ),
    tabs,
  );
  root.removeAttribute('aria-busy');
  renderTable();
  fitHeights();
  // User Timing marks: when the table and the graph became usable (DevTools and the e2e test read them).
  performance.mark('dropout-lens:table');
  const selected = m.rows.find((r) => r.id === state.selected);
  weights = new Map();
  showDetails(selected);
  canvas.draw(m.rows, m.layout, state.view);
  canvas.highlight(selected?.id, searchMatches(), false);
  table.select(selected?.id);
  performance.mark('dropout-lens:graph');
  selectRequested();
}

host.onMessage((message) => {
  switch (message.type) {
    case 'model':
      // The extension may send a version twice (once early, once when this page says it is ready).
      if (message.version === shownVersion) return;
      shownVersion = message.version;
      performance.mark('dropout-lens:model');
      host.setState({ uri: message.uri });
      renderModel(message.model);
      return;
    case 'error':
      host.setState({ uri: message.uri });
      model = undefined;
      root.removeAttribute('aria-busy');
      root.replaceChildren(
        h('h1', {}, message.fileName),
        h('div', { class: 'error-box', role: 'alert' }, icon('error', 'sev-error'), ' ', message.message),
        h('p', { class: 'muted' }, 'The view updates when the file changes.'),
      );
      return;
    case 'saved':
      tableStatus.textContent = `Saved ${message.path}`;
      return;
    case 'select':
      requested = message.layerId;
      selectRequested();
      return;
    case 'weights': {
      if (weights.get(message.layerId) !== 'loading') return;
      weights.set(
        message.layerId,
        'error' in message ? { error: message.error } : { tensors: message.tensors },
      );
      const selected = host.getState().selected;
      if (selected === message.layerId) showDetails(model?.rows.find((r) => r.id === selected));
      return;
    }
  }
});
host.post({ type: 'ready' });
