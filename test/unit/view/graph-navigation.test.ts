// Keyboard moves through the model graph: along edges up and down, sideways within a drawn row, with
// the horizontally closest candidate chosen, on the layout the page really uses.
import * as assert from 'node:assert/strict';
import { GraphNavigation, type NavNode } from '../../../webview/model/graph-navigation';
import { layeredLayout } from '../../../src/core/model/layered-layout';

/** A diamond with a skip edge: input → a, b; a, b → add; input → add. */
const ROWS: { id: string; inputs: string[] }[] = [
  { id: 'input', inputs: [] },
  { id: 'a', inputs: ['input'] },
  { id: 'b', inputs: ['input'] },
  { id: 'add', inputs: ['a', 'b', 'input'] },
  { id: 'out', inputs: ['add', 'missing'] },
];

function laidOut(): GraphNavigation {
  const layout = layeredLayout({
    nodes: ROWS.map((r) => ({ id: r.id, width: 80, height: 40 })),
    edges: ROWS.flatMap((r) => r.inputs.map((i) => [i, r.id] as [string, string])),
  });
  const at = new Map(layout.nodes.map((n) => [n.id, n]));
  return new GraphNavigation(ROWS.map((r) => ({ ...r, x: at.get(r.id)!.x, y: at.get(r.id)!.y })));
}

describe('graph keyboard navigation', () => {
  it('starts at the first node and goes Home and End in graph order', () => {
    const nav = laidOut();
    assert.equal(nav.next(undefined, 'ArrowDown'), 'input');
    assert.equal(nav.next('unknown', 'ArrowLeft'), 'input');
    assert.equal(nav.next('add', 'Home'), 'input');
    assert.equal(nav.next('a', 'End'), 'out');
  });

  it('moves down to a reader and up to an input, the nearest row first, and stops at the ends', () => {
    const nav = laidOut();
    // `add` reads `input` too, straight below it, but two rows down: the next row comes first.
    const down = nav.next('input', 'ArrowDown');
    assert.ok(down === 'a' || down === 'b', String(down));
    assert.equal(nav.next('a', 'ArrowDown'), 'add');
    assert.equal(nav.next('add', 'ArrowDown'), 'out');
    assert.equal(nav.next('out', 'ArrowDown'), undefined);
    assert.equal(nav.next('out', 'ArrowUp'), 'add', 'an input that is not in the graph is skipped');
    assert.equal(nav.next('input', 'ArrowUp'), undefined);
  });

  it('moves sideways within the drawn row only', () => {
    const nav = laidOut();
    const right = nav.next('a', 'ArrowRight') ?? nav.next('a', 'ArrowLeft');
    assert.equal(right, 'b');
    assert.equal(nav.next('b', nav.next('b', 'ArrowLeft') ? 'ArrowLeft' : 'ArrowRight'), 'a');
    assert.equal(nav.next('add', 'ArrowLeft'), undefined);
    assert.equal(nav.next('add', 'ArrowRight'), undefined);
  });

  it('prefers the candidate closest horizontally', () => {
    const node = (id: string, x: number, y: number, inputs: string[] = []): NavNode => ({ id, x, y, inputs });
    const nav = new GraphNavigation([
      node('top', 100, 0),
      node('far-left', -200, 50, ['top']),
      node('under', 110, 50, ['top']),
      node('right', 300, 50, ['top']),
      node('far-right', 900, 50),
    ]);
    assert.equal(nav.next('top', 'ArrowDown'), 'under');
    assert.equal(nav.next('under', 'ArrowRight'), 'right');
    assert.equal(nav.next('right', 'ArrowRight'), 'far-right');
    assert.equal(nav.next('under', 'ArrowLeft'), 'far-left');
    assert.equal(nav.next('far-left', 'ArrowUp'), 'top');
  });
});
