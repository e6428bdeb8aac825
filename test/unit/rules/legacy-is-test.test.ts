import * as assert from 'node:assert/strict';
import { lintIr } from './helpers';
import { chain, dense, dropoutLayer, spec } from './ir-builder';

const RULE = 'legacy-is-test';
const model = (opsetVersion: number, isTest: number | null) =>
  chain([dense(), dropoutLayer(spec(0.5, {}, { opsetVersion, isTest })), dense()]);

describe(RULE, () => {
  it('fires on Dropout-6 without is_test, with a safe graph fix setting is_test = 1', () => {
    const [f, ...rest] = lintIr(model(6, null), RULE);
    assert.equal(rest.length, 0);
    assert.ok(f);
    assert.equal(f.layer.id, 'dropout_1');
    assert.match(f.message, /no is_test/);
    assert.deepEqual(f.fixes?.[0], {
      title: 'Set is_test = 1',
      safe: true,
      edits: [],
      graphEdits: [{ kind: 'set-attribute', layer: 'dropout_1', name: 'is_test', value: 1 }],
    });
  });

  it('fires on Dropout-1 with is_test = 0', () => {
    assert.equal(lintIr(model(1, 0), RULE).length, 1);
  });

  it('does not fire with is_test = 1 or from opset 7', () => {
    assert.deepEqual(lintIr(model(6, 1), RULE), []);
    assert.deepEqual(lintIr(model(7, null), RULE), []);
  });
});
