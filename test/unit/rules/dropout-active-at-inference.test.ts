import * as assert from 'node:assert/strict';
import { lintIr } from './helpers';
import { chain, dense, dropoutLayer, spec } from './ir-builder';

const RULE = 'dropout-active-at-inference';
const active = spec(
  0.5,
  { mode: 'inference-active' },
  { opsetVersion: 13, trainingModeSource: 'initializer' },
);

describe(RULE, () => {
  it('fires as an error on ONNX training_mode true, with a safe fix setting it false', () => {
    const [f, ...rest] = lintIr(chain([dense(), dropoutLayer(active), dense()]), RULE);
    assert.equal(rest.length, 0);
    assert.equal(f?.severity, 'error');
    assert.deepEqual(f?.fixes?.[0]?.graphEdits, [
      { kind: 'set-attribute', layer: 'dropout_1', name: 'training_mode', value: false },
    ]);
  });

  it('is info (lint exits 0) when the model is marked for MC dropout', () => {
    const [f] = lintIr(
      chain([dense(), dropoutLayer(active), dense()], 'onnx', {
        mcModel: 'metadata_props dropout_lens.mc_dropout',
      }),
      RULE,
    );
    assert.equal(f?.severity, 'info');
    // Offered as a quick fix, but Fix and Save As must not take the randomness out of an MC model.
    assert.equal(f?.fixes?.[0]?.title, 'Set training_mode to false');
    assert.equal(f?.fixes?.[0]?.safe, false);
  });

  it('fires on a TF dropout subgraph with a re-export note and no fix', () => {
    const subgraph = spec(
      0.5,
      { mode: 'inference-active' },
      { op: 'dropout', subgraphNodes: ['RandomUniform', 'GreaterEqual', 'Mul'] },
    );
    const [f] = lintIr(chain([dense(), dropoutLayer(subgraph), dense()], 'tfjs-graph'), RULE);
    assert.match(f?.message ?? '', /Re-export/);
    assert.deepEqual(f?.fixes, []);
  });

  it('does not fire on ratio 0 with training_mode true (an identity), which rate-zero reports instead', () => {
    const zero = spec(
      0,
      { mode: 'inference-active' },
      { opsetVersion: 13, trainingModeSource: 'initializer' },
    );
    const graph = chain([dense(), dropoutLayer(zero), dense()]);
    assert.deepEqual(lintIr(graph, RULE), []);
    assert.deepEqual(
      lintIr(graph, 'rate-zero').map((f) => f.severity),
      ['hint'],
    );
  });

  it('does not fire on train-only dropout or intended MC dropout', () => {
    assert.deepEqual(lintIr(chain([dense(), dropoutLayer(spec(0.5)), dense()]), RULE), []);
    assert.deepEqual(
      lintIr(chain([dense(), dropoutLayer(spec(0.5, { mode: 'always' })), dense()]), RULE),
      [],
    );
  });
});
