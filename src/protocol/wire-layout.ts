// The model view's graph drawing, laid out in the engine worker with the model it belongs to: the
// layout runs while VS Code is still creating the page, and the page only draws. Compact on the wire:
// a 5,001-node graph's layout is about 250 KB of numbers.
import { layeredLayout } from '../core/model/layered-layout';
import type { LayerRow } from './model-view';

export const NODE_HEIGHT = 40;
/** The width of a character of the node font, an estimate: the layout runs where there is no DOM. */
const CHAR_WIDTH = 7;

/** Graph-model names are long scope paths; the last two parts say enough on a node. */
export function shortName(name: string): string {
  const parts = name.split('/');
  const tail = parts.slice(-2).join('/');
  return tail.length > 32 ? `…${tail.slice(-31)}` : tail;
}

export function nodeWidth(row: Pick<LayerRow, 'name' | 'op'>): number {
  return Math.max(shortName(row.name).length, row.op.length + 2) * CHAR_WIDTH + 24;
}

export interface WireLayout {
  width: number;
  height: number;
  /** Node centres as x, y pairs, one per row, in row order. */
  nodes: number[];
  /** Per edge: the source row's index, the target row's index, then the route's x, y pairs. */
  edges: number[][];
}

/** A tenth of a pixel is finer than any screen shows it. */
const round = (v: number) => Math.round(v * 10) / 10;

/** Edges are the rows' inputs that are rows themselves. */
export function graphLayout(rows: readonly Pick<LayerRow, 'id' | 'name' | 'op' | 'inputs'>[]): WireLayout {
  const index = new Map(rows.map((r, i) => [r.id, i]));
  const layout = layeredLayout({
    nodes: rows.map((r) => ({ id: r.id, width: nodeWidth(r), height: NODE_HEIGHT })),
    edges: rows.flatMap((r) =>
      r.inputs.filter((i) => index.has(i)).map((i) => [i, r.id] as [string, string]),
    ),
  });
  return {
    width: round(layout.width),
    height: round(layout.height),
    nodes: layout.nodes.flatMap((n) => [round(n.x), round(n.y)]),
    edges: layout.edges.map((e) => [
      index.get(e.from) as number,
      index.get(e.to) as number,
      ...e.points.flatMap((p) => [round(p.x), round(p.y)]),
    ]),
  };
}

/** A layout that fits `rows` rows: finite numbers, whole pairs, edges between existing rows. */
export function isWireLayout(v: unknown, rows: number): v is WireLayout {
  if (typeof v !== 'object' || v === null) return false;
  const { width, height, nodes, edges } = v as Record<string, unknown>;
  const finite = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
  const row = (x: unknown) => Number.isInteger(x) && (x as number) >= 0 && (x as number) < rows;
  return (
    finite(width) &&
    finite(height) &&
    Array.isArray(nodes) &&
    nodes.length === 2 * rows &&
    nodes.every(finite) &&
    Array.isArray(edges) &&
    edges.every(
      (e) =>
        Array.isArray(e) && e.length >= 6 && e.length % 2 === 0 && row(e[0]) && row(e[1]) && e.every(finite),
    )
  );
}
