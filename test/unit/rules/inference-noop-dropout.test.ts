import * as assert from 'node:assert/strict';
import { lintIr } from './helpers';
import { chain, dense, dropoutLayer, spec } from './ir-builder';

const RULE = 'inference-noop-dropout';

describe(RULE, () => {
  it('fires on a Dropout left in an inference ONNX graph, as unnecessary, with a safe remove-and-rewire', () => {
    const [f, ...rest] = lintIr(
      chain([dense(), dropoutLayer(spec(0.5, {}, { opsetVersion: 13 })), dense()]),
      RULE,
    );
    assert.equal(rest.length, 0);
    assert.ok(f);
    assert.equal(f.severity, 'hint');
    assert.equal(f.unnecessary, true);
    assert.deepEqual(f.fixes?.[0]?.graphEdits, [{ kind: 'remove-layer', layer: 'dropout_1' }]);
    assert.equal(f.fixes?.[0]?.safe, true);
  });

  it('in a model marked for MC dropout, offers the removal but not as safe', () => {
    const [f] = lintIr(
      chain([dense(), dropoutLayer(spec(0.5, {}, { opsetVersion: 13 })), dense()], 'onnx', {
        mcModel: 'metadata_props dropout_lens.mc_dropout',
      }),
      RULE,
    );
    assert.deepEqual(f?.fixes?.[0]?.graphEdits, [{ kind: 'remove-layer', layer: 'dropout_1' }]);
    assert.equal(f?.fixes?.[0]?.safe, false);
  });

  it('does not fire on training graphs, legacy random Dropout, active dropout or other formats', () => {
    const cases = [
      spec(0.5, {}, { trainingModeSource: 'graph-input' }),
      spec(0.5, {}, { opsetVersion: 6, isTest: 0 }),
      spec(0.5, { mode: 'inference-active' }),
    ];
    for (const s of cases) assert.deepEqual(lintIr(chain([dense(), dropoutLayer(s), dense()]), RULE), []);
    assert.deepEqual(lintIr(chain([dense(), dropoutLayer(spec(0.5)), dense()], 'tfjs-layers'), RULE), []);
  });
});
