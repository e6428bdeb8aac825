// The model graph's layered layout: ranks, spacing and edge routes, checked against hand-worked cases
// and against the layout's invariants on a graph the size of the W4 many-nodes model.
import * as assert from 'node:assert/strict';
import { layeredLayout, SPACING, type LayoutRequest } from '../../../src/core/model/layered-layout';

const H = 40;
const node = (id: string, width = 100) => ({ id, width, height: H });

function layout(nodes: LayoutRequest['nodes'], edges: LayoutRequest['edges']) {
  const result = layeredLayout({ nodes, edges });
  return { ...result, at: new Map(result.nodes.map((n) => [n.id, n])) };
}

describe('layered graph layout', () => {
  it('draws a diamond symmetrically: one rank per step, siblings one gap apart', () => {
    const { at, width, height, edges } = layout(
      [node('a'), node('b'), node('c'), node('d')],
      [
        ['a', 'b'],
        ['a', 'c'],
        ['b', 'd'],
        ['c', 'd'],
      ],
    );
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((id) => at.get(id) as { x: number; y: number });
    const rankStep = H + SPACING.rank;
    assert.equal(a?.y, SPACING.margin + H / 2);
    assert.equal(b?.y, (a?.y as number) + rankStep);
    assert.equal(c?.y, b?.y);
    assert.equal(d?.y, (b?.y as number) + rankStep);
    // b and c: centres 100 + 24 apart, a and d above and below their midpoint.
    assert.equal(Math.abs((c?.x as number) - (b?.x as number)), 100 + SPACING.node);
    assert.equal(a?.x, ((b?.x as number) + (c?.x as number)) / 2);
    assert.equal(d?.x, a?.x);
    assert.equal(width, 2 * 100 + SPACING.node + 2 * SPACING.margin);
    assert.equal(height, 3 * H + 2 * SPACING.rank + 2 * SPACING.margin);
    // Each edge leaves the bottom of its source and ends on the top of its target.
    const ab = edges.find((e) => e.from === 'a' && e.to === 'b');
    assert.deepEqual(ab?.points, [
      { x: a?.x, y: (a?.y as number) + H / 2 },
      { x: b?.x, y: (b?.y as number) - H / 2 },
    ]);
  });

  it('routes a skip connection through one bend point per rank it crosses', () => {
    const { edges } = layout(
      [node('x'), node('f'), node('g'), node('add')],
      [
        ['x', 'f'],
        ['f', 'g'],
        ['g', 'add'],
        ['x', 'add'],
      ],
    );
    const skip = edges.find((e) => e.from === 'x' && e.to === 'add');
    assert.equal(skip?.points.length, 4);
  });

  it('puts a weight just above its reader instead of in the top rank', () => {
    const { at } = layout(
      [node('input'), node('w'), node('a'), node('b'), node('conv')],
      [
        ['input', 'a'],
        ['a', 'b'],
        ['b', 'conv'],
        ['w', 'conv'],
      ],
    );
    assert.equal(at.get('w')?.y, at.get('b')?.y);
  });

  it('keeps an edge that points backwards (a cyclic file) and reports it in its own direction', () => {
    const { edges } = layout(
      [node('a'), node('b')],
      [
        ['a', 'b'],
        ['b', 'a'],
      ],
    );
    const back = edges.find((e) => e.from === 'b');
    assert.equal(back?.to, 'a');
    assert.ok((back?.points[0]?.y as number) > (back?.points[1]?.y as number));
  });

  it('lays out 1,667 residual blocks (5,002 nodes) with every edge going down and no overlaps', () => {
    // The W4 many-nodes model: x -> Gemm -> Relu -> Add(x, relu), 1,667 times.
    const nodes = [node('x', 60)];
    const edges: [string, string][] = [];
    let last = 'x';
    for (let i = 0; i < 1667; i++) {
      nodes.push(node(`gemm${i}`, 140), node(`relu${i}`, 80), node(`add${i}`, 90));
      edges.push([last, `gemm${i}`], [`gemm${i}`, `relu${i}`], [`relu${i}`, `add${i}`], [last, `add${i}`]);
      last = `add${i}`;
    }
    const { at, edges: routed, width } = layout(nodes, edges);
    assert.equal(at.size, 5002);
    assert.equal(routed.length, 6668);
    for (const e of routed) {
      const ys = e.points.map((p) => p.y);
      assert.ok(
        ys.every((y, i) => i === 0 || y > (ys[i - 1] as number)),
        `${e.from} -> ${e.to}`,
      );
    }
    const byRank = new Map<number, { x: number; w: number }[]>();
    for (const n of nodes) {
      const p = at.get(n.id) as { x: number; y: number };
      const row = byRank.get(p.y) ?? [];
      row.push({ x: p.x, w: n.width });
      byRank.set(p.y, row);
    }
    for (const row of byRank.values()) {
      row.sort((a, b) => a.x - b.x);
      for (let i = 1; i < row.length; i++) {
        const gap =
          (row[i]?.x as number) -
          (row[i]?.w as number) / 2 -
          ((row[i - 1]?.x as number) + (row[i - 1]?.w as number) / 2);
        assert.ok(gap >= SPACING.node - 1e-6, `gap ${gap}`);
      }
    }
    // The chain does not drift sideways: the drawing stays a few nodes wide.
    assert.ok(width < 1000, `width ${width}`);
  });
});
