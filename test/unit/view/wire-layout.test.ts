// The graph layout as it travels with the model: the layered layout's positions, compact and checked
// on arrival.
import * as assert from 'node:assert/strict';
import { layeredLayout } from '../../../src/core/model/layered-layout';
import { isWireLayout, NODE_HEIGHT, nodeWidth, shortName } from '../../../src/protocol/model-view';
import { graphLayout } from '../../../src/worker/wire-layout';

const rows = [
  { id: 'x', name: 'x', op: 'input', inputs: [] },
  { id: 'a', name: 'model/block/dense', op: 'dense', inputs: ['x'] },
  { id: 'b', name: 'b', op: 'dropout', inputs: ['a', 'not-a-row'] },
  { id: 'c', name: 'c', op: 'add', inputs: ['x', 'b'] },
];

describe('graph layout on the wire', () => {
  it('carries the layered layout: a centre per row in row order, edges by row index with their routes', () => {
    const wire = graphLayout(rows);
    const full = layeredLayout({
      nodes: rows.map((r) => ({ id: r.id, width: nodeWidth(r), height: NODE_HEIGHT })),
      edges: [
        ['x', 'a'],
        ['a', 'b'],
        ['x', 'c'],
        ['b', 'c'],
      ],
    });
    assert.equal(wire.nodes.length, 2 * rows.length);
    // Rounded to tenths: off by half a tenth at most (and the float error of that half).
    full.nodes.forEach((n, i) => {
      assert.ok(Math.abs((wire.nodes[2 * i] as number) - n.x) <= 0.05 + 1e-9);
      assert.ok(Math.abs((wire.nodes[2 * i + 1] as number) - n.y) <= 0.05 + 1e-9);
    });
    // Inputs that are not rows draw no edge.
    assert.deepEqual(wire.edges.map((e) => [rows[e[0] as number]?.id, rows[e[1] as number]?.id]).sort(), [
      ['a', 'b'],
      ['b', 'c'],
      ['x', 'a'],
      ['x', 'c'],
    ]);
    const skip = wire.edges.find((e) => e[0] === 0 && e[1] === 3) as number[];
    const route = full.edges.find((e) => e.from === 'x' && e.to === 'c')?.points ?? [];
    assert.equal(skip.length, 2 + 2 * route.length);
    assert.ok(route.length >= 3, 'the skip connection bends through the ranks it crosses');
    assert.ok(isWireLayout(wire, rows.length));
  });

  it('names the node as the details do (a long scope path by its last two parts) and sizes it to its longer line', () => {
    assert.equal(shortName('/lins.0/Gemm'), '/lins.0/Gemm');
    assert.equal(shortName('/model/encoder/layers.11/self_attn/MatMul'), '…/self_attn/MatMul');
    assert.equal(shortName(`/a/${'b'.repeat(40)}`).length, 32);
    assert.equal(nodeWidth({ name: 'model/block/dense', op: 'dense' }), 'model/block/dense'.length * 7 + 24);
    assert.equal(nodeWidth({ name: 'x', op: 'activation(relu)' }), ('activation(relu)'.length + 2) * 7 + 24);
  });

  it('refuses a layout that does not fit the rows or holds anything but finite numbers', () => {
    const wire = graphLayout(rows);
    const bad = [
      null,
      [],
      { ...wire, width: Number.NaN },
      { ...wire, nodes: wire.nodes.slice(2) },
      { ...wire, nodes: wire.nodes.map((v, i) => (i === 3 ? Infinity : v)) },
      { ...wire, nodes: wire.nodes.map((v, i) => (i === 3 ? String(v) : v)) },
      { ...wire, edges: [[0, 4, 1, 1, 2, 2]] },
      { ...wire, edges: [[0.5, 1, 1, 1, 2, 2]] },
      { ...wire, edges: [[0, 1, 1, 1, 2]] },
      { ...wire, edges: [[0, 1, 1, 1]] },
      { ...wire, edges: [{ 0: 0, 1: 1 }] },
    ];
    for (const v of bad) assert.equal(isWireLayout(v, rows.length), false, JSON.stringify(v)?.slice(0, 80));
    assert.equal(isWireLayout(wire, rows.length + 1), false);
  });
});
