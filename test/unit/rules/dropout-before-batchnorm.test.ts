import * as assert from 'node:assert/strict';
import { DENSE, OUT, assertFix, drop, lintIr, lintText, nn, single } from './helpers';
import { chain, dropoutLayer, spec, type LayerSpec } from './ir-builder';

const RULE = 'dropout-before-batchnorm';
const BN = '{ "type": "batchnorm", "name": "bn1" }';
const RELU = '{ "type": "activation", "activation": "relu" }';
const CONV = '{ "type": "conv2d", "filters": 8, "kernelSize": 3, "padding": "same" }';
const IMAGE = [3, 8, 8];

// ONNX nodes as the reader turns them into layers.
const conv = (id: string, extra: Partial<LayerSpec> = {}): LayerSpec => ({
  id,
  op: 'conv',
  originalOp: 'Conv',
  ...extra,
});
const bn: LayerSpec = { id: 'bn', op: 'batchnorm', originalOp: 'BatchNormalization' };
const onnxDrop = dropoutLayer(spec(0.2), { id: 'drop' });

describe(RULE, () => {
  it('fires on dropout feeding BatchNorm, names it, gives the variance ratio and moves the dropout after it', () => {
    const text = nn([DENSE, drop(0.4), BN, OUT]);
    const f = single(text, RULE, drop(0.4));
    assert.match(f.message, /Dropout \(rate 0.4\) feeds BatchNorm 'bn1': /);
    // Li et al.: inverted dropout with keep p makes a zero-mean input's training variance 1/p its own.
    assert.match(f.message, /1\.67× the inference variance for a zero-mean input: 1 \/ \(1 − 0\.4\)/);
    assert.equal(f.related?.[0]?.layer.name, 'bn1');
    assertFix(text, f, /after 'bn1'/, nn([DENSE, BN, drop(0.4), OUT]));
  });

  it('looks through an activation', () => {
    const text = nn(['{ "type": "dense", "units": 64 }', drop(0.3), RELU, BN, OUT]);
    assertFix(
      text,
      single(text, RULE, drop(0.3)),
      /after/,
      nn(['{ "type": "dense", "units": 64 }', RELU, BN, drop(0.3), OUT]),
    );
  });

  it('looks through reshapes: dropout → flatten → reshape → BatchNorm', () => {
    const text = nn(
      [CONV, drop(0.2), '{ "type": "flatten" }', '{ "type": "reshape", "shape": [512] }', BN, OUT],
      IMAGE,
    );
    assert.match(single(text, RULE, drop(0.2)).message, /feeds BatchNorm 'bn1': /);
  });

  it('looks through max and average pooling', () => {
    for (const pool of [
      '{ "type": "maxpool2d" }',
      '{ "type": "avgpool2d" }',
      '{ "type": "globalavgpool2d" }',
    ]) {
      const text = nn([CONV, drop(0.2), pool, BN, '{ "type": "flatten" }', OUT], IMAGE);
      assertFix(
        text,
        single(text, RULE, drop(0.2)),
        /after 'bn1'/,
        nn([CONV, pool, BN, drop(0.2), '{ "type": "flatten" }', OUT], IMAGE),
      );
    }
  });

  it('does not fire when the dropout comes after the BatchNorm', () => {
    assert.deepEqual(lintText(nn([DENSE, BN, drop(0.4), OUT]), RULE), []);
  });

  it('does not fire with a weight layer between: dense, or conv after pooling', () => {
    assert.deepEqual(lintText(nn([DENSE, drop(0.4), DENSE, BN, OUT]), RULE), []);
    assert.deepEqual(
      lintText(
        nn([CONV, drop(0.2), '{ "type": "maxpool2d" }', CONV, BN, '{ "type": "flatten" }', OUT], IMAGE),
        RULE,
      ),
      [],
    );
  });

  describe('ONNX graphs', () => {
    it('fires through a Concat join (DenseNet layout), names the join and offers no move past it', () => {
      const graph = chain([
        conv('conv0'),
        conv('conv1'),
        onnxDrop,
        { id: 'cat', op: 'concat', originalOp: 'Concat', inputs: ['conv0', 'drop'] },
        bn,
        { id: 'relu', op: 'activation', originalOp: 'Relu', activation: 'relu' },
        conv('conv2'),
      ]);
      const [f, ...others] = lintIr(graph, RULE);
      assert.equal(others.length, 0);
      assert.equal(f?.layer.id, 'drop');
      assert.match(f.message, /feeds BatchNorm 'bn' through Concat 'cat': /);
      assert.deepEqual(
        f.related?.map((r) => r.layer.id),
        ['bn', 'cat'],
      );
      assert.deepEqual(f.fixes, []);
    });

    it('fires through a residual Add, an activation and a GlobalAveragePool, naming the first BatchNorm', () => {
      const graph = chain([
        conv('conv0'),
        conv('conv1'),
        onnxDrop,
        { id: 'sum', op: 'add', originalOp: 'Add', inputs: ['conv0', 'drop'] },
        { id: 'relu', op: 'activation', originalOp: 'Relu', activation: 'relu' },
        { id: 'gap', op: 'pool', originalOp: 'GlobalAveragePool' },
        { id: 'bn_first', op: 'batchnorm', originalOp: 'BatchNormalization' },
        { id: 'bn_side', op: 'batchnorm', originalOp: 'BatchNormalization', inputs: ['relu'] },
      ]);
      const found = lintIr(graph, RULE);
      assert.equal(found.length, 1);
      assert.match(found[0]?.message ?? '', /feeds BatchNorm 'bn_first' through Add 'sum': /);
    });

    it('fires through Pad and Transpose (ops the IR keeps as unknown) and offers the move along that chain', () => {
      const graph = chain([
        conv('conv0'),
        onnxDrop,
        // Pad-11 reads its pads from a Constant node, as torch.onnx.export writes it: no join.
        { id: 'pads', op: 'constant', originalOp: 'Constant', inputs: [] },
        { id: 'pad', op: 'unknown', originalOp: 'Pad', inputs: ['drop', 'pads'] },
        { id: 'transpose', op: 'unknown', originalOp: 'Transpose' },
        bn,
      ]);
      const [f] = lintIr(graph, RULE);
      assert.match(f?.message ?? '', /feeds BatchNorm 'bn': /);
      assert.deepEqual(f?.fixes?.[0]?.graphEdits, [
        { kind: 'move-layer', layer: 'drop', position: 'after', anchor: 'bn' },
      ]);
    });

    it('does not fire with a Conv or MatMul between, nor through element-wise arithmetic or an unknown op', () => {
      for (const between of [
        conv('mid'),
        { id: 'mid', op: 'dense', originalOp: 'MatMul' },
        // Sub / Div may be a normalisation written out by the exporter: the noise is not followed there.
        { id: 'mid', op: 'elementwise', originalOp: 'Div' },
        { id: 'mid', op: 'unknown', originalOp: 'ReduceMean' },
      ] satisfies LayerSpec[]) {
        const graph = chain([
          conv('conv0'),
          onnxDrop,
          { id: 'cat', op: 'concat', originalOp: 'Concat' },
          between,
          bn,
        ]);
        assert.deepEqual(lintIr(graph, RULE), [], between.originalOp);
      }
    });
  });
});
