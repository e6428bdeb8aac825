// The model view's graph drawing, laid out in the engine worker with the model it belongs to: the
// layout runs while VS Code is still creating the page, and the page only draws (docs/graph-layout.md).
import { layeredLayout } from '../core/model/layered-layout';
import { NODE_HEIGHT, nodeWidth, type LayerRow, type WireLayout } from '../protocol/model-view';

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
