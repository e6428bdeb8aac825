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

  it('in a model marked for MC dropout, offers the fix but not as safe (Fix and Save As keeps the randomness)', () => {
    const marked = chain(
      [dense(), dropoutLayer(spec(0.5, {}, { opsetVersion: 6, isTest: null })), dense()],
      'onnx',
      { mcModel: 'metadata_props dropout_lens.mc_dropout' },
    );
    const [f] = lintIr(marked, RULE);
    assert.equal(f?.fixes?.[0]?.title, 'Set is_test = 1');
    assert.equal(f?.fixes?.[0]?.safe, false);
  });

  it('fires on Dropout-1 with is_test = 0', () => {
    assert.equal(lintIr(model(1, 0), RULE).length, 1);
  });

  it('does not fire with is_test = 1 or from opset 7', () => {
    assert.deepEqual(lintIr(model(6, 1), RULE), []);
    assert.deepEqual(lintIr(model(7, null), RULE), []);
  });
});
