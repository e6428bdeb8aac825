// A layered (Sugiyama-style) top-to-bottom layout in linear time per sweep: longest-path ranks, dummy
// nodes on edges that span several ranks, barycentre ordering sweeps, then x positions pulled towards
// neighbours and packed without overlap. dagre and elkjs overflow the stack on the 5,001-node W4 graph
// (elkjs with its component search off takes 2-5 s) and need 0.2-1 s for a 170-node ResNet; this takes
// under 10 ms there and under 200 ms on the 5,001 nodes. Figures: docs/graph-layout.md.

export interface Point {
  x: number;
  y: number;
}

export interface LayoutRequest {
  nodes: { id: string; width: number; height: number }[];
  /** [from, to] node ids; unknown ids and self-loops are left out. */
  edges: [from: string, to: string][];
}

export interface Layout {
  width: number;
  height: number;
  /** Node centres, in the request's order. */
  nodes: (Point & { id: string })[];
  edges: { from: string; to: string; points: Point[] }[];
}

export const SPACING = { node: 24, rank: 36, margin: 16 };
/** Ordering and positioning sweeps: more barely change the drawing of real model graphs. */
const SWEEPS = 4;

interface Slot {
  /** Index into the request's nodes, or -1 for a dummy that carries a long edge through a rank. */
  node: number;
  width: number;
  x: number;
  /** Slots in the rank above and below that this one connects to. */
  up: Slot[];
  down: Slot[];
  order: number;
}

export function layeredLayout(request: LayoutRequest): Layout {
  const { nodes, edges } = request;
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  // Edges between known nodes, each pointing from an earlier to a later node of the request's order
  // (the model's topological order), so a cycle in a broken file cannot stall the ranking.
  const links: [number, number, boolean][] = [];
  for (const [from, to] of edges) {
    const a = index.get(from);
    const b = index.get(to);
    if (a === undefined || b === undefined || a === b) continue;
    links.push(a < b ? [a, b, false] : [b, a, true]);
  }
  const rank = ranks(nodes.length, links);
  const depth = rank.reduce((m, r) => Math.max(m, r + 1), 0);
  const layers: Slot[][] = Array.from({ length: depth }, () => []);
  const slots = nodes.map((n, i) => {
    const slot: Slot = { node: i, width: n.width, x: 0, up: [], down: [], order: 0 };
    (layers[rank[i] as number] as Slot[]).push(slot);
    return slot;
  });
  // Each edge becomes a chain of slots, one per rank it crosses.
  const chains = links.map(([a, b]) => {
    const chain = [slots[a] as Slot];
    for (let r = (rank[a] as number) + 1; r < (rank[b] as number); r++) {
      const dummy: Slot = { node: -1, width: 0, x: 0, up: [], down: [], order: 0 };
      (layers[r] as Slot[]).push(dummy);
      chain.push(dummy);
    }
    chain.push(slots[b] as Slot);
    for (let i = 1; i < chain.length; i++) {
      (chain[i - 1] as Slot).down.push(chain[i] as Slot);
      (chain[i] as Slot).up.push(chain[i - 1] as Slot);
    }
    return chain;
  });
  for (const layer of layers) layer.forEach((s, i) => (s.order = i));
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    for (let r = 1; r < depth; r++) reorder(layers[r] as Slot[], 'up');
    for (let r = depth - 2; r >= 0; r--) reorder(layers[r] as Slot[], 'down');
  }
  for (const layer of layers) pack(layer, () => 0);
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    for (let r = 1; r < depth; r++) pack(layers[r] as Slot[], (s) => mean(s.up, s.x));
    for (let r = depth - 2; r >= 0; r--) pack(layers[r] as Slot[], (s) => mean(s.down, s.x));
  }
  return place(request, layers, chains, links);
}

/** Longest path from the sources: every edge goes down at least one rank. */
function ranks(count: number, links: [number, number, boolean][]): number[] {
  const incoming: number[][] = Array.from({ length: count }, () => []);
  for (const [a, b] of links) (incoming[b] as number[]).push(a);
  const rank = new Array<number>(count).fill(0);
  // Links point forwards in index order, so one pass in that order is a topological pass.
  for (let i = 0; i < count; i++) {
    for (const a of incoming[i] as number[]) rank[i] = Math.max(rank[i] as number, (rank[a] as number) + 1);
  }
  // A source (a constant, a weight) sits just above its first reader rather than in the top rank,
  // where a graph model's hundreds of Const nodes would make one very wide row.
  const first = new Array<number>(count).fill(Number.POSITIVE_INFINITY);
  for (const [a, b] of links) first[a] = Math.min(first[a] as number, rank[b] as number);
  for (let i = 0; i < count; i++) {
    if ((incoming[i] as number[]).length === 0 && Number.isFinite(first[i]))
      rank[i] = (first[i] as number) - 1;
  }
  return rank;
}

/**
 * The mean x of a slot's neighbours on one side. Sources (weights, constants) follow their reader but do
 * not pull it: otherwise every conv would lean towards its kernel and a long chain would drift sideways.
 */
function mean(neighbours: Slot[], fallback: number): number {
  let sum = 0;
  let count = 0;
  for (const n of neighbours) {
    if (n.up.length > 0) {
      sum += n.x;
      count++;
    }
  }
  if (count > 0) return sum / count;
  if (neighbours.length === 0) return fallback;
  for (const n of neighbours) sum += n.x;
  return sum / neighbours.length;
}

/** Sorts a rank by the mean order of its neighbours on one side (nodes without any keep their place). */
function reorder(layer: Slot[], side: 'up' | 'down'): void {
  const key = new Map<Slot, number>();
  for (const s of layer) {
    const n = s[side];
    key.set(s, n.length === 0 ? s.order : n.reduce((t, m) => t + m.order, 0) / n.length);
  }
  layer.sort((a, b) => (key.get(a) as number) - (key.get(b) as number) || a.order - b.order);
  layer.forEach((s, i) => (s.order = i));
}

/**
 * How strongly a slot holds on to its wish: sources (weights, constants) give way to the data path, or
 * each conv would be pushed half a slot aside by its kernel and a long chain would drift.
 */
function weight(s: Slot): number {
  return s.node >= 0 && s.up.length === 0 ? 1e-3 : 1;
}

/**
 * Puts each slot as near its wish as the order and spacing allow, in the weighted least-squares sense:
 * with offsets for the minimum gaps taken out, that is an isotonic regression, solved by pooling adjacent
 * violators in one pass. A greedy left-to-right packing instead drifts a chain sideways rank by rank.
 */
function pack(layer: Slot[], wish: (s: Slot) => number): void {
  const offsets: number[] = [];
  let offset = 0;
  layer.forEach((s, i) => {
    if (i > 0) {
      const prev = layer[i - 1] as Slot;
      offset +=
        prev.width / 2 + s.width / 2 + (s.node < 0 && prev.node < 0 ? SPACING.node / 2 : SPACING.node);
    }
    offsets.push(offset);
  });
  // Blocks of slots that share one (offset-free) position: weighted wish total, total weight, size.
  const blocks: { sum: number; weight: number; size: number }[] = [];
  layer.forEach((s, i) => {
    const w = weight(s);
    blocks.push({ sum: (wish(s) - (offsets[i] as number)) * w, weight: w, size: 1 });
    for (let n = blocks.length; n > 1; n--) {
      const a = blocks[n - 2] as (typeof blocks)[number];
      const b = blocks[n - 1] as (typeof blocks)[number];
      if (a.sum / a.weight <= b.sum / b.weight) break;
      blocks.pop();
      a.sum += b.sum;
      a.weight += b.weight;
      a.size += b.size;
    }
  });
  let i = 0;
  for (const b of blocks) {
    for (let k = 0; k < b.size; k++, i++) (layer[i] as Slot).x = b.sum / b.weight + (offsets[i] as number);
  }
}

function place(
  request: LayoutRequest,
  layers: Slot[][],
  chains: Slot[][],
  links: [number, number, boolean][],
): Layout {
  const { nodes } = request;
  let minX = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  for (const layer of layers) {
    for (const s of layer) {
      minX = Math.min(minX, s.x - s.width / 2);
      maxX = Math.max(maxX, s.x + s.width / 2);
    }
  }
  if (!Number.isFinite(minX)) minX = maxX = 0;
  const dx = SPACING.margin - minX;
  const centreY = new Map<Slot, number>();
  const heights = new Map<Slot, number>();
  let y = SPACING.margin;
  for (const layer of layers) {
    const height = layer.reduce((m, s) => Math.max(m, s.node < 0 ? 0 : (nodes[s.node]?.height ?? 0)), 0);
    for (const s of layer) {
      centreY.set(s, y + height / 2);
      heights.set(s, s.node < 0 ? 0 : (nodes[s.node]?.height ?? 0));
    }
    y += height + SPACING.rank;
  }
  const at = (s: Slot): Point => ({ x: s.x + dx, y: centreY.get(s) as number });
  const byNode = new Map<number, Slot>();
  for (const layer of layers) for (const s of layer) if (s.node >= 0) byNode.set(s.node, s);
  return {
    width: maxX - minX + 2 * SPACING.margin,
    height: Math.max(y - SPACING.rank + SPACING.margin, 2 * SPACING.margin),
    nodes: nodes.map((n, i) => ({ id: n.id, ...at(byNode.get(i) as Slot) })),
    edges: chains.map((chain, i) => {
      const [a, b, reversed] = links[i] as [number, number, boolean];
      const first = chain[0] as Slot;
      const last = chain[chain.length - 1] as Slot;
      // From the bottom of the source to the top of the target, through the dummies' centres.
      const points = [
        { ...at(first), y: (centreY.get(first) as number) + (heights.get(first) as number) / 2 },
        ...chain.slice(1, -1).map(at),
        { ...at(last), y: (centreY.get(last) as number) - (heights.get(last) as number) / 2 },
      ];
      const from = nodes[reversed ? b : a]?.id as string;
      const to = nodes[reversed ? a : b]?.id as string;
      return { from, to, points: reversed ? points.reverse() : points };
    }),
  };
}
