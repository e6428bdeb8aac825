import * as assert from 'node:assert/strict';
import { lintIr } from './helpers';
import { chain, dense, dropoutLayer, spec } from './ir-builder';

const RULE = 'attention-rate-unusual';
const attention = (rate: number) => ({
  op: 'attention' as const,
  originalOp: 'MultiHeadAttention',
  outputShape: [null, 16, 64],
  innerDropout: [spec(rate, {}, { op: 'MultiHeadAttention', property: 'dropout' })],
});
const residual = (rate: number) =>
  chain(
    [attention(0.1), dropoutLayer(spec(rate), { outputShape: [null, 16, 64] }), { op: 'add' }, dense()],
    'tfjs-layers',
  );

describe(RULE, () => {
  it('fires on attention dropout above 0.3 with a fix to 0.1', () => {
    const [f, ...rest] = lintIr(chain([attention(0.5), dense()], 'tfjs-layers'), RULE);
    assert.equal(rest.length, 0);
    assert.deepEqual(f?.fixes?.[0]?.graphEdits, [
      { kind: 'set-attribute', layer: 'attention_0', name: 'dropout', value: 0.1 },
    ]);
  });

  it('fires on residual dropout above 0.3, and rate-too-high leaves it alone', () => {
    assert.equal(lintIr(residual(0.6), RULE).length, 1);
    assert.deepEqual(lintIr(residual(0.6), 'rate-too-high'), []);
  });

  it('does not fire at 0.1', () => {
    assert.deepEqual(lintIr(chain([attention(0.1), dense()], 'tfjs-layers'), RULE), []);
    assert.deepEqual(lintIr(residual(0.1), RULE), []);
  });
});
