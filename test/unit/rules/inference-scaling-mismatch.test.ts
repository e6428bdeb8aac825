import * as assert from 'node:assert/strict';
import { lintIr } from './helpers';
import { chain, dense, dropoutLayer, spec } from './ir-builder';

const RULE = 'inference-scaling-mismatch';
const model = (scaling: 'inverted' | 'inference-scale', scale: number) =>
  chain([
    dense(),
    dropoutLayer(spec(0.2, { scaling })),
    { op: 'unknown', originalOp: 'Mul', id: 'mul', attributes: { scale } },
    dense(),
  ]);

describe(RULE, () => {
  it('fires on inverted dropout scaled again by 1 − rate, with a safe fix removing the Mul', () => {
    const [f, ...rest] = lintIr(model('inverted', 0.8), RULE);
    assert.equal(rest.length, 0);
    assert.match(f?.message ?? '', /scaled twice/);
    assert.equal(f?.related?.[0]?.layer.id, 'mul');
    assert.deepEqual(f?.fixes?.[0]?.graphEdits, [{ kind: 'remove-layer', layer: 'mul' }]);
  });

  it('fires on classic dropout scaled by the rate instead of 1 − rate', () => {
    const [f] = lintIr(model('inference-scale', 0.2), RULE);
    assert.deepEqual(f?.fixes?.[0]?.graphEdits, [
      { kind: 'set-attribute', layer: 'mul', name: 'scale', value: 0.8 },
    ]);
  });

  it('does not fire on classic dropout scaled by 1 − rate or on an unrelated scale', () => {
    assert.deepEqual(lintIr(model('inference-scale', 0.8), RULE), []);
    assert.deepEqual(lintIr(model('inverted', 0.5), RULE), []);
  });
});
