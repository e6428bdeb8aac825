// The graph tab: the layered layout that came with the model (laid out in the engine worker), drawn as SVG. Dropout nodes stand out, nodes with
// findings take their severity's colour; wheel zooms, dragging pans, Fit shows everything (or, for a
// graph of thousands of nodes, its start). Only what is near the visible area is in the document.
// Keyboard: arrows move between connected layers (graph-navigation.ts), Enter shows the details,
// + and - zoom, 0 fits.
import {
  NODE_HEIGHT,
  nodeWidth,
  shortName,
  type LayerRow,
  type WireLayout,
} from '../../src/protocol/model-view';
import { svg } from '../shared/dom';
import { GraphNavigation, NAV_KEYS, type NavKey } from './graph-navigation';
import { shortLevel, worstFinding } from './table-model';

export interface View {
  x: number;
  y: number;
  k: number;
}

function arrowDefs(): SVGDefsElement {
  return svg(
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
}

interface Placed {
  row: LayerRow;
  /** Top-left corner and width; every node is NODE_HEIGHT tall. */
  x: number;
  y: number;
  width: number;
}

interface Edge {
  d: string;
  box: { x0: number; y0: number; x1: number; y1: number };
}

/** An edge's SVG path and bounding box from its wire form: [from, to, x0, y0, x1, y1, ...]. */
function edgePath(edge: number[]): Edge {
  let d = '';
  const box = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
  for (let i = 2; i + 1 < edge.length; i += 2) {
    const x = edge[i] as number;
    const y = edge[i + 1] as number;
    d += `${i === 2 ? 'M' : 'L'}${x},${y}`;
    box.x0 = Math.min(box.x0, x);
    box.y0 = Math.min(box.y0, y);
    box.x1 = Math.max(box.x1, x);
    box.y1 = Math.max(box.y1, y);
  }
  return { d, box };
}

/** How far beyond the visible area (in screen pixels) nodes are drawn, so a small pan shows no gap. */
const OVERSCAN = 200;
/** Fit never zooms out beyond this: a graph of thousands of nodes shows its start, readable. */
const MIN_FIT_SCALE = 0.3;

export class GraphCanvas {
  /** One tab stop for the whole graph; the arrows move the focus from node to node. */
  readonly svg = svg('svg', {
    class: 'graph',
    role: 'group',
    tabindex: 0,
    'aria-label':
      'Model graph. Arrow keys move between connected layers, Enter shows details, + and - zoom, 0 fits',
  });
  private readonly viewport = svg('g', { class: 'viewport' });
  private readonly defs = arrowDefs();
  private placed = new Map<string, Placed>();
  private edges: Edge[] = [];
  /** Node and edge elements are made when first scrolled into view and kept for later. */
  private nodeElements = new Map<string, SVGGElement>();
  private edgeElements = new Map<Edge, SVGPathElement>();
  private size = { width: 0, height: 0 };
  private view: View = { x: 0, y: 0, k: 1 };
  private selected: string | undefined;
  private matches: ReadonlySet<string> = new Set();
  private frame = 0;
  private navigation = new GraphNavigation([]);
  /** A node the keyboard moved to: focused once the render that follows has drawn it. */
  private focusAfterRender: string | undefined;

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
    this.svg.addEventListener('keydown', (e) => this.onKey(e));
  }

  /** Draws `rows` where `layout` (its nodes in the same order) puts them. */
  draw(rows: LayerRow[], layout: WireLayout, view: View | undefined): void {
    this.size = { width: layout.width, height: layout.height };
    this.placed = new Map(
      rows.map((row, i) => {
        const width = nodeWidth(row);
        const x = (layout.nodes[2 * i] as number) - width / 2;
        const y = (layout.nodes[2 * i + 1] as number) - NODE_HEIGHT / 2;
        return [row.id, { row, x, y, width }];
      }),
    );
    this.edges = layout.edges.map(edgePath);
    this.navigation = new GraphNavigation(
      rows.map((row) => {
        const p = this.placed.get(row.id) as Placed;
        return { id: row.id, x: p.x + p.width / 2, y: p.y, inputs: row.inputs };
      }),
    );
    this.nodeElements = new Map();
    this.edgeElements = new Map();
    this.svg.dataset.nodes = String(this.placed.size);
    if (view) this.apply(view);
    else this.fit();
  }

  /** Draws what the view shows again: after the graph's tab is shown (a hidden tab has no size). */
  refresh(): void {
    this.schedule();
  }

  fit(): void {
    const box = this.svg.getBoundingClientRect();
    if (this.size.width === 0 || box.width === 0) return;
    const k = Math.max(
      Math.min(box.width / this.size.width, box.height / this.size.height, 1.5),
      MIN_FIT_SCALE,
    );
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

  /**
   * Marks the node as selected (and search hits as matches); when asked, brings it into view: centred,
   * at a readable scale, unless it is already shown readably.
   */
  highlight(selected: string | undefined, matches: ReadonlySet<string>, center: boolean, frames = 10): void {
    this.selected = selected;
    this.matches = matches;
    for (const [id, g] of this.nodeElements) this.mark(id, g);
    const at = selected ? this.placed.get(selected) : undefined;
    if (!center || !at) return;
    const box = this.svg.getBoundingClientRect();
    if (box.width === 0) {
      // The graph tab is being shown and has no size yet: centre once it has (a few frames at most).
      if (frames > 0)
        requestAnimationFrame(() => {
          if (this.selected === selected) this.highlight(selected, this.matches, true, frames - 1);
        });
      return;
    }
    const { x, y, k: scale } = this.view;
    const shown =
      scale >= 0.8 &&
      at.x * scale + x >= 0 &&
      (at.x + at.width) * scale + x <= box.width &&
      at.y * scale + y >= 0 &&
      (at.y + NODE_HEIGHT) * scale + y <= box.height;
    if (shown) {
      this.schedule();
      return;
    }
    const k = Math.max(scale, 0.8);
    const cx = at.x + at.width / 2;
    const cy = at.y + NODE_HEIGHT / 2;
    this.apply({ k, x: box.width / 2 - cx * k, y: box.height / 2 - cy * k });
  }

  /** A standalone SVG of the whole graph, with the theme's colours written in. */
  exportSvg(): string {
    const copy = svg('svg', {}, svg('g', {}, this.defs.cloneNode(true), ...this.allElements()));
    copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
    copy.setAttribute('viewBox', `0 0 ${this.size.width} ${this.size.height}`);
    copy.setAttribute('width', String(this.size.width));
    copy.setAttribute('height', String(this.size.height));
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
    this.schedule();
  }

  /** Renders at most once a frame, however many wheel or pointer events arrive. */
  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Puts only the nodes and edges near the visible area into the document: thousands stay cheap. */
  private render(): void {
    const box = this.svg.getBoundingClientRect();
    if (box.width === 0) return;
    const { x, y, k } = this.view;
    const x0 = (-OVERSCAN - x) / k;
    const y0 = (-OVERSCAN - y) / k;
    const x1 = (box.width + OVERSCAN - x) / k;
    const y1 = (box.height + OVERSCAN - y) / k;
    const paths: SVGPathElement[] = [];
    for (const e of this.edges) {
      if (e.box.x1 < x0 || e.box.x0 > x1 || e.box.y1 < y0 || e.box.y0 > y1) continue;
      paths.push(this.edgeElement(e));
    }
    const nodes: SVGGElement[] = [];
    for (const p of this.placed.values()) {
      if (p.x + p.width < x0 || p.x > x1 || p.y + NODE_HEIGHT < y0 || p.y > y1) continue;
      nodes.push(this.nodeElement(p));
    }
    // Drawing moves the nodes in the document: a focused node that is still drawn keeps the focus.
    const active = document.activeElement;
    const hadFocus =
      active instanceof SVGGElement && this.svg.contains(active) ? active.dataset.id : undefined;
    this.viewport.replaceChildren(this.defs, ...paths, ...nodes);
    this.svg.dataset.drawn = String(nodes.length);
    const next = this.focusAfterRender ?? hadFocus;
    const focus = next && this.nodeElements.get(next);
    this.focusAfterRender = undefined;
    if (focus) focus.focus({ preventScroll: true });
  }

  /** Gives the keyboard focus to a node once it is drawn (the graph may be about to be shown). */
  focusNode(id: string): void {
    this.focusAfterRender = id;
    this.schedule();
  }

  private onKey(e: KeyboardEvent): void {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const node = (e.target as Element).closest<SVGGElement>('g.node');
    if (node?.dataset.id && (e.key === 'Enter' || e.key === ' ')) {
      this.onSelect(node.dataset.id);
    } else if (NAV_KEYS.includes(e.key)) {
      // From the selection, not the focused node: keys pressed faster than frames are drawn each move
      // on from the last one.
      const next = this.navigation.next(this.selected ?? node?.dataset.id, e.key as NavKey);
      if (next) {
        this.focusAfterRender = next;
        this.onSelect(next);
      }
    } else if (e.key === '+' || e.key === '=') this.zoom(1.25);
    else if (e.key === '-') this.zoom(1 / 1.25);
    else if (e.key === '0') this.fit();
    else return;
    e.preventDefault();
  }

  private allElements(): SVGElement[] {
    return [
      ...this.edges.map((e) => this.edgeElement(e).cloneNode(true) as SVGElement),
      ...[...this.placed.values()].map((p) => this.nodeElement(p).cloneNode(true) as SVGElement),
    ];
  }

  private edgeElement(e: Edge): SVGPathElement {
    let path = this.edgeElements.get(e);
    if (!path) {
      path = svg('path', { class: 'edge', d: e.d, 'marker-end': 'url(#arrow)' });
      this.edgeElements.set(e, path);
    }
    return path;
  }

  private nodeElement(p: Placed): SVGGElement {
    const { row } = p;
    let g = this.nodeElements.get(row.id);
    if (g) return g;
    const worst = worstFinding(row);
    const classes = ['node', row.dropout.length > 0 ? 'dropout' : '', worst ? `sev-${worst.severity}` : ''];
    const rateLabel = row.dropout[0] ? ` ${shortLevel(row.dropout[0])}` : '';
    g = svg(
      'g',
      {
        class: classes.join(' ').trim(),
        'data-id': row.id,
        transform: `translate(${p.x},${p.y})`,
        tabindex: -1,
        role: 'button',
        'aria-label': `${row.name}, ${row.op}`,
      },
      svg('title', {}, `${row.name}\n${row.op} ${row.outputShape}`),
      svg('rect', { width: p.width, height: NODE_HEIGHT, rx: 4 }),
      svg('text', { x: 10, y: 16, class: 'label' }, shortName(row.name)),
      svg('text', { x: 10, y: 31, class: 'op' }, row.op + rateLabel),
    );
    this.mark(row.id, g);
    this.nodeElements.set(row.id, g);
    return g;
  }

  private mark(id: string, g: SVGGElement): void {
    g.classList.toggle('selected', id === this.selected);
    g.classList.toggle('match', this.matches.has(id));
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
