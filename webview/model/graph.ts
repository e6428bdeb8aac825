// The graph tab: dagre layout from the worker, drawn as SVG. Dropout nodes stand out, nodes with
// findings take their severity's colour; wheel zooms, dragging pans, Fit shows everything.
import type { LayerRow } from '../../src/protocol/model-view';
import { svg } from '../shared/dom';
import { layoutGraph } from './layout-client';
import { worstFinding } from './table-model';

export interface View {
  x: number;
  y: number;
  k: number;
}

const NODE_HEIGHT = 40;
const CHAR_WIDTH = 7;

/** Graph-model names are long scope paths; the last two parts say enough on a node. */
export function shortName(name: string): string {
  const parts = name.split('/');
  const tail = parts.slice(-2).join('/');
  return tail.length > 32 ? `…${tail.slice(-31)}` : tail;
}

export class GraphCanvas {
  readonly svg = svg('svg', { class: 'graph', role: 'img', 'aria-label': 'Model graph' });
  private readonly viewport = svg('g', { class: 'viewport' });
  private nodes = new Map<string, SVGGElement>();
  private size = { width: 0, height: 0 };
  private positions = new Map<string, { x: number; y: number }>();
  private view: View = { x: 0, y: 0, k: 1 };
  private laidOut: string | undefined;

  constructor(
    private readonly onSelect: (id: string) => void,
    private readonly onView: (view: View) => void,
  ) {
    this.svg.append(this.viewport);
    this.svg.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    this.svg.addEventListener('pointerdown', (e) => this.onDrag(e));
    this.svg.addEventListener('click', (e) => {
      const node = (e.target as Element).closest<SVGGElement>('g.node');
      if (node?.dataset.id) this.onSelect(node.dataset.id);
    });
    this.svg.addEventListener('keydown', (e) => {
      const node = (e.target as Element).closest<SVGGElement>('g.node');
      if (node?.dataset.id && (e.key === 'Enter' || e.key === ' ')) {
        e.preventDefault();
        this.onSelect(node.dataset.id);
      }
    });
  }

  /** Lays the rows out (in the worker) unless this exact graph is already drawn. */
  async draw(rows: LayerRow[], view: View | undefined): Promise<void> {
    const ids = new Set(rows.map((r) => r.id));
    const edges = rows.flatMap((r) =>
      r.inputs.filter((i) => ids.has(i)).map((i) => [i, r.id] as [string, string]),
    );
    const signature = JSON.stringify([rows.map((r) => [r.id, r.op, r.findings.length]), edges]);
    if (signature === this.laidOut) return;
    const layout = await layoutGraph({
      nodes: rows.map((r) => ({
        id: r.id,
        width: Math.max(shortName(r.name).length, r.op.length + 2) * CHAR_WIDTH + 24,
        height: NODE_HEIGHT,
      })),
      edges,
    });
    this.laidOut = signature;
    this.size = { width: layout.width, height: layout.height };
    this.positions = new Map(layout.nodes.map((n) => [n.id, n]));
    const byId = new Map(rows.map((r) => [r.id, r]));
    const paths = layout.edges.map((e) =>
      svg('path', {
        class: 'edge',
        d: e.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(''),
        'marker-end': 'url(#arrow)',
      }),
    );
    this.nodes = new Map();
    const nodes = layout.nodes.map((n) => {
      const row = byId.get(n.id) as LayerRow;
      const width = Math.max(shortName(row.name).length, row.op.length + 2) * CHAR_WIDTH + 24;
      const worst = worstFinding(row);
      const classes = ['node', row.dropout.length > 0 ? 'dropout' : '', worst ? `sev-${worst.severity}` : ''];
      const rateLabel = row.dropout[0] ? ` ${row.dropout[0].rate ?? '?'}` : '';
      const g = svg(
        'g',
        {
          class: classes.join(' ').trim(),
          'data-id': row.id,
          transform: `translate(${n.x - width / 2},${n.y - NODE_HEIGHT / 2})`,
          tabindex: 0,
          role: 'button',
          'aria-label': `${row.name}, ${row.op}`,
        },
        svg('title', {}, `${row.name}\n${row.op} ${row.outputShape}`),
        svg('rect', { width, height: NODE_HEIGHT, rx: 4 }),
        svg('text', { x: 10, y: 16, class: 'label' }, shortName(row.name)),
        svg('text', { x: 10, y: 31, class: 'op' }, row.op + rateLabel),
      );
      this.nodes.set(row.id, g);
      return g;
    });
    const defs = svg(
      'defs',
      {},
      svg(
        'marker',
        {
          id: 'arrow',
          viewBox: '0 0 10 10',
          refX: 10,
          refY: 5,
          markerWidth: 6,
          markerHeight: 6,
          orient: 'auto',
        },
        svg('path', { d: 'M0,0L10,5L0,10z', class: 'arrow' }),
      ),
    );
    this.viewport.replaceChildren(defs, ...paths, ...nodes);
    if (view) this.apply(view);
    else this.fit();
  }

  fit(): void {
    const box = this.svg.getBoundingClientRect();
    if (this.size.width === 0 || box.width === 0) return;
    const k = Math.min(box.width / this.size.width, box.height / this.size.height, 1.5);
    this.apply({
      k,
      x: (box.width - this.size.width * k) / 2,
      y: Math.max(0, (box.height - this.size.height * k) / 2),
    });
  }

  zoom(factor: number, at?: { x: number; y: number }): void {
    const box = this.svg.getBoundingClientRect();
    const p = at ?? { x: box.width / 2, y: box.height / 2 };
    const k = Math.min(8, Math.max(0.05, this.view.k * factor));
    const f = k / this.view.k;
    this.apply({ k, x: p.x - (p.x - this.view.x) * f, y: p.y - (p.y - this.view.y) * f });
  }

  /** Marks the node as selected (and search hits as matches); centres it when asked. */
  highlight(selected: string | undefined, matches: ReadonlySet<string>, center: boolean): void {
    for (const [id, g] of this.nodes) {
      g.classList.toggle('selected', id === selected);
      g.classList.toggle('match', matches.has(id));
    }
    const at = selected ? this.positions.get(selected) : undefined;
    if (!center || !at) return;
    const box = this.svg.getBoundingClientRect();
    const k = Math.max(this.view.k, 0.8);
    this.apply({ k, x: box.width / 2 - at.x * k, y: box.height / 2 - at.y * k });
  }

  /** A standalone SVG of the whole graph, with the theme's colours written in. */
  exportSvg(): string {
    const copy = this.svg.cloneNode(true) as SVGSVGElement;
    copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
    copy.setAttribute('viewBox', `0 0 ${this.size.width} ${this.size.height}`);
    copy.setAttribute('width', String(this.size.width));
    copy.setAttribute('height', String(this.size.height));
    copy.querySelector('.viewport')?.removeAttribute('transform');
    const css = getComputedStyle(document.body);
    const v = (name: string) => css.getPropertyValue(name).trim() || 'currentColor';
    const style = svg('style');
    style.textContent = [
      `svg { background: ${v('--vscode-editor-background')}; font-family: sans-serif; font-size: 12px; }`,
      `.edge { fill: none; stroke: ${v('--vscode-descriptionForeground')}; }`,
      `.arrow { fill: ${v('--vscode-descriptionForeground')}; }`,
      `.node rect { fill: ${v('--vscode-editorWidget-background')}; stroke: ${v('--vscode-descriptionForeground')}; }`,
      `.node text { fill: ${v('--vscode-foreground')}; } .node .op { opacity: 0.75; font-size: 11px; }`,
      `.node.dropout rect { stroke: ${v('--dl-dropout')}; stroke-width: 2; stroke-dasharray: 4 2; }`,
      ...(['error', 'warning', 'info', 'hint'] as const).map(
        (s) => `.node.sev-${s} rect { stroke: ${v(`--dl-${s}`)}; stroke-width: 2.5; }`,
      ),
    ].join('\n');
    copy.prepend(style);
    return new XMLSerializer().serializeToString(copy);
  }

  private apply(view: View): void {
    this.view = view;
    this.viewport.setAttribute('transform', `translate(${view.x},${view.y}) scale(${view.k})`);
    this.onView(view);
  }

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    const box = this.svg.getBoundingClientRect();
    this.zoom(Math.exp(-e.deltaY / 300), { x: e.clientX - box.left, y: e.clientY - box.top });
  }

  private onDrag(e: PointerEvent): void {
    if (e.button !== 0 || (e.target as Element).closest('g.node')) return;
    const start = { x: e.clientX, y: e.clientY, view: this.view };
    this.svg.setPointerCapture(e.pointerId);
    const move = (m: PointerEvent) =>
      this.apply({
        ...start.view,
        x: start.view.x + m.clientX - start.x,
        y: start.view.y + m.clientY - start.y,
      });
    const up = () => {
      this.svg.removeEventListener('pointermove', move);
      this.svg.removeEventListener('pointerup', up);
    };
    this.svg.addEventListener('pointermove', move);
    this.svg.addEventListener('pointerup', up);
  }
}
