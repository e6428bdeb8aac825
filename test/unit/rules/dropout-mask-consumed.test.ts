import * as assert from 'node:assert/strict';
import { lintIr } from './helpers';
import { chain, dense, dropoutLayer, spec } from './ir-builder';

const RULE = 'dropout-mask-consumed';
const model = (maskConsumed: boolean) =>
  chain([dense(), dropoutLayer(spec(0.5, {}, { opsetVersion: 13, maskConsumed })), dense()]);

describe(RULE, () => {
  it('fires when the mask output is read downstream', () => {
    const [f, ...rest] = lintIr(model(true), RULE);
    assert.equal(rest.length, 0);
    assert.equal(f?.severity, 'warning');
    assert.match(f?.message ?? '', /all ones/);
  });

  it('does not fire when the mask is unused', () => {
    assert.deepEqual(lintIr(model(false), RULE), []);
  });
});
