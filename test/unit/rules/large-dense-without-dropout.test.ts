import * as assert from 'node:assert/strict';
import { OUT, assertFix, drop, lintIr, lintText, nn, single } from './helpers';
import { chain, dense, dropoutLayer, spec, type LayerSpec } from './ir-builder';

const RULE = 'large-dense-without-dropout';
const BIG = '{ "type": "dense", "units": 1024, "activation": "relu" }';

describe(RULE, () => {
  it('fires on a 2.1M-parameter dense layer with nothing after it and inserts dropout 0.5', () => {
    const text = nn([BIG, OUT], [2048]);
    const f = single(text, RULE, BIG);
    assert.equal(f.severity, 'hint');
    assert.match(f.message, /no dropout on its input or after it and no weight decay \(training\.l2\)/);
    assertFix(text, f, /Insert/, nn([BIG, drop(0.5), OUT], [2048]));
  });

  it('does not fire with dropout or L2 after it, on small layers or on the output layer', () => {
    assert.deepEqual(lintText(nn([BIG, drop(0.3), OUT], [2048]), RULE), []);
    assert.deepEqual(
      lintText(nn([BIG, OUT], [2048], ',\n  "training": { "data": "builtin:digits", "l2": 0.0001 }'), RULE),
      [],
    );
    assert.deepEqual(lintText(nn([BIG, OUT], [64]), RULE), []);
    assert.deepEqual(
      lintText(nn(['{ "type": "dense", "units": 1024, "activation": "softmax" }'], [2048]), RULE),
      [],
    );
  });

  it("does not fire with dropout on the layer's input (torchvision AlexNet puts it there)", () => {
    assert.deepEqual(lintText(nn([drop(0.5), BIG, OUT], [2048]), RULE), []);
  });

  describe('exported inference graphs (ONNX)', () => {
    // AlexNet's classifier as torch.onnx.export writes it: Gemm 9216 → 4096 → 4096 → 1000.
    const gemm = (id: string, inputs: number, units: number): LayerSpec =>
      dense({ id, params: inputs * units + units, outputShape: [null, units] });
    const relu = (id: string): LayerSpec => ({
      id,
      op: 'activation',
      originalOp: 'Relu',
      activation: 'relu',
    });
    const classifier = (dropouts: LayerSpec[]) =>
      chain([
        ...dropouts.slice(0, 1),
        gemm('fc6', 9216, 4096),
        relu('r6'),
        gemm('fc7', 4096, 4096),
        relu('r7'),
        gemm('fc8', 4096, 1000),
      ]);

    it('fires when the export keeps dropout elsewhere, and claims nothing about weight decay', () => {
      const [f, ...others] = lintIr(
        classifier([dropoutLayer(spec(0.5, { mode: 'inference-active' }), { id: 'drop' })]),
        RULE,
      );
      assert.equal(others.length, 0);
      assert.equal(f?.layer.id, 'fc7');
      assert.match(f.message, /though this export keeps the model's other dropout/);
      assert.match(f.message, /unless training used weight decay \(an exported graph does not record it\)/);
      assert.doesNotMatch(f.message, /no weight decay/);
    });

    it('does not fire on a graph with no dropout at all: an eval-mode export removed it', () => {
      assert.deepEqual(lintIr(classifier([]), RULE), []);
      // A TensorFlow.js graph model is an inference graph too: the converter drops Keras's Dropout.
      assert.deepEqual(lintIr({ ...classifier([]), format: 'tfjs-graph' }, RULE), []);
    });

    it('fires on the same layers in a TensorFlow.js layers model, which keeps every Dropout layer', () => {
      const layers = { ...classifier([]), format: 'tfjs-layers' as const };
      const found = lintIr(layers, RULE);
      assert.deepEqual(
        found.map((f) => f.layer.id),
        ['fc6', 'fc7'],
      );
      assert.match(found[0]?.message ?? '', /no dropout on its input or after it and no kernel_regularizer/);
    });
  });
});
