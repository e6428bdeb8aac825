import * as assert from 'node:assert/strict';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { lintSource } from '../../../src/core/lint/lint-source';
import type { Layer } from '../../../src/core/model/ir';
import { lintIr } from './helpers';
import { chain, dense, type LayerSpec } from './ir-builder';

const RULE = 'batchnorm-training-mode';
const TORCH = 'test/fixtures/onnx-torch/rules';

const Y = ['Y'];
const FIVE = ['Y', 'mean', 'var', 'saved_mean', 'saved_var'];

/** dense → BatchNormalization (its outputs and attributes as given) → dense, read under `opset`. */
function graph(opset: number, outputs: string[], attributes: Record<string, unknown> = {}) {
  const bn: LayerSpec = {
    id: 'bn',
    op: 'batchnorm',
    originalOp: 'BatchNormalization',
    attributes,
    tensors: { inputs: ['h', 'scale', 'B', 'input_mean', 'input_var'], outputs },
  };
  return chain([dense(), bn, dense()], 'onnx', { opsetImports: [{ domain: 'ai.onnx', version: opset }] });
}

describe(RULE, () => {
  it('fires as an error on training_mode = 1 (op set 14+), with a safe fix to inference mode', () => {
    const [f, ...rest] = lintIr(graph(15, ['Y', 'running_mean', 'running_var'], { training_mode: 1 }), RULE);
    assert.equal(rest.length, 0);
    assert.equal(f?.severity, 'error');
    assert.match(f?.message ?? '', /training mode \(training_mode = 1\)/);
    assert.match(f?.message ?? '', /depends on the other samples in the batch/);
    assert.deepEqual(f?.fixes?.[0]?.graphEdits, [
      { kind: 'set-attribute', layer: 'bn', name: 'training_mode', value: false },
    ]);
    assert.equal(f?.fixes?.[0]?.safe, true);
  });

  it('fires on the five-output form of op sets 7 to 13', () => {
    for (const opset of [7, 9, 13]) {
      const [f] = lintIr(graph(opset, FIVE), RULE);
      assert.match(
        f?.message ?? '',
        new RegExp(`5 outputs: .*op set ${opset} training form`),
        `op set ${opset}`,
      );
    }
    // saved_mean / saved_var left out ("" or absent) still is the training form.
    assert.equal(lintIr(graph(9, ['Y', 'mean', 'var']), RULE).length, 1);
  });

  it('fires on is_test = 0 or absent in op sets 1 and 6', () => {
    assert.equal(lintIr(graph(6, Y), RULE).length, 1);
    assert.equal(lintIr(graph(6, Y, { is_test: 0 }), RULE).length, 1);
  });

  it('stays an error when the model is marked for MC inference (MC keeps BatchNorm in inference mode)', () => {
    const marked = graph(15, Y, { training_mode: 1 });
    marked.meta.mcModel = 'metadata_props dropout_lens.mc_dropout';
    assert.equal(lintIr(marked, RULE)[0]?.severity, 'error');
  });

  it('offers no fix, and says why, when another node reads the running statistics', () => {
    const g = graph(13, FIVE);
    const reader: Layer = {
      id: 'stats',
      name: 'stats',
      op: 'identity',
      originalOp: 'Identity',
      inputs: ['bn'],
      attributes: {},
      params: 0,
      tensors: { inputs: ['mean'], outputs: ['m'] },
      source: {},
    };
    g.layers.push(reader);
    const [f] = lintIr(g, RULE);
    assert.deepEqual(f?.fixes, []);
    assert.match(f?.message ?? '', /read by 'stats', so it cannot be switched here/);
    // A graph output reading them blocks the fix the same way.
    const out = graph(13, FIVE);
    out.outputs.push({ name: 'var' });
    assert.match(lintIr(out, RULE)[0]?.message ?? '', /graph output 'var'/);
  });

  it('does not fire in inference mode: Y alone (7–13), training_mode 0 or absent (14+), is_test = 1 (1, 6)', () => {
    assert.deepEqual(lintIr(graph(13, Y), RULE), []);
    assert.deepEqual(lintIr(graph(13, ['Y', '', '']), RULE), []);
    assert.deepEqual(lintIr(graph(15, Y), RULE), []);
    assert.deepEqual(lintIr(graph(15, Y, { training_mode: 0 }), RULE), []);
    assert.deepEqual(lintIr(graph(6, Y, { is_test: 1 }), RULE), []);
  });

  it('does not fire on other formats or another domain', () => {
    const tfjs = graph(15, Y, { training_mode: 1 });
    tfjs.format = 'tfjs-graph';
    assert.deepEqual(lintIr(tfjs, RULE), []);
    assert.deepEqual(lintIr(graph(15, Y, { training_mode: 1, domain: 'com.example' }), RULE), []);
  });

  for (const opset of [9, 11, 13, 15]) {
    it(`fires on torch.onnx's training-mode export at op set ${opset}`, () => {
      const result = lintSource(nodeModelSource(`${TORCH}/bn_train_opset${opset}.onnx`));
      const names = result.findings.filter((f) => f.rule === RULE).map((f) => f.layer.name);
      assert.deepEqual(names, ['/bn/BatchNormalization']);
    });
  }

  it('does not fire on the eval-mode export', () => {
    const result = lintSource(nodeModelSource(`${TORCH}/bn_eval_opset13.onnx`));
    assert.deepEqual(
      result.findings.filter((f) => f.rule === RULE),
      [],
    );
  });
});
