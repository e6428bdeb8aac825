// The rules on models written by real exporters (torch.onnx.export, tfjs model.save): Constant nodes for
// ratios, Shape/Gather/Reshape chains for Flatten, training-form BatchNormalization, Functional configs.
// Each row names a fixture from test/fixtures/onnx-torch/rules/generate.py or
// test/fixtures/tfjs/rules/generate.mjs, a rule, and the layer it must flag (null: it must stay silent).
import * as assert from 'node:assert/strict';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { lintSource } from '../../../src/core/lint/lint-source';

const TORCH = 'test/fixtures/onnx-torch/rules';

const ROWS: [file: string, rule: string, flagged: string | null][] = [
  [`${TORCH}/rate_too_high.onnx`, 'rate-too-high', '/drop/Dropout'],
  [`${TORCH}/rate_too_high_near.onnx`, 'rate-too-high', null],
  [`${TORCH}/keep_prob_p09.onnx`, 'keep-prob-confusion', '/drop/Dropout'],
  [`${TORCH}/keep_prob_near.onnx`, 'keep-prob-confusion', null],
  [`${TORCH}/input_rate_high.onnx`, 'input-rate-too-high', '/drop/Dropout'],
  [`${TORCH}/input_rate_near.onnx`, 'input-rate-too-high', null],
  [`${TORCH}/after_output.onnx`, 'dropout-after-output', '/drop/Dropout'],
  [`${TORCH}/after_output_near.onnx`, 'dropout-after-output', null],
  [`${TORCH}/on_logits.onnx`, 'dropout-on-logits', '/drop/Dropout'],
  [`${TORCH}/after_output_near.onnx`, 'dropout-on-logits', null],
  [`${TORCH}/consecutive.onnx`, 'consecutive-dropout', '/drop2/Dropout'],
  [`${TORCH}/consecutive_near.onnx`, 'consecutive-dropout', null],
  [`${TORCH}/before_batchnorm.onnx`, 'dropout-before-batchnorm', '/drop/Dropout'],
  [`${TORCH}/before_batchnorm_near.onnx`, 'dropout-before-batchnorm', null],
  [`${TORCH}/before_maxpool.onnx`, 'dropout-before-maxpool', '/drop/Dropout'],
  [`${TORCH}/before_maxpool_near.onnx`, 'dropout-before-maxpool', null],
  [`${TORCH}/conv_standard.onnx`, 'conv-standard-dropout', '/drop/Dropout'],
  [`${TORCH}/conv_standard_near.onnx`, 'conv-standard-dropout', null],
  [`${TORCH}/conv_rate_high.onnx`, 'conv-rate-too-high', '/drop/Dropout'],
  [`${TORCH}/conv_standard.onnx`, 'conv-rate-too-high', null],
  [`${TORCH}/selu_dropout.onnx`, 'selu-needs-alpha-dropout', '/drop/Dropout'],
  [`${TORCH}/selu_near.onnx`, 'selu-needs-alpha-dropout', null],
  [`${TORCH}/small_layer.onnx`, 'small-layer-heavy-dropout', '/drop/Dropout'],
  [`${TORCH}/small_layer_near.onnx`, 'small-layer-heavy-dropout', null],
  [`${TORCH}/rate_zero.onnx`, 'rate-zero', '/drop/Dropout'],
  [`${TORCH}/rate_zero_near.onnx`, 'rate-zero', null],
  // Dropout-13 with ratio 0 and training_mode true keeps every unit: an identity, not a random node.
  [`${TORCH}/rate_zero.onnx`, 'dropout-active-at-inference', null],
  [`${TORCH}/rate_zero_near.onnx`, 'dropout-active-at-inference', '/drop/Dropout'],
  [`${TORCH}/active_opset13.onnx`, 'dropout-active-at-inference', '/drop/Dropout'],
  [`${TORCH}/noop_opset11.onnx`, 'dropout-active-at-inference', null],
  [`${TORCH}/noop_opset11.onnx`, 'inference-noop-dropout', '/drop/Dropout'],
  [`${TORCH}/eval_opset13.onnx`, 'inference-noop-dropout', null],
];

const TFJS = (name: string) => `test/fixtures/tfjs/rules/${name}/model.json`;

const TFJS_ROWS: [file: string, rule: string, flagged: string | null][] = [
  [TFJS('rate_too_high'), 'rate-too-high', 'drop'],
  [TFJS('rate_too_high_near'), 'rate-too-high', null],
  [TFJS('keep_prob'), 'keep-prob-confusion', 'drop'],
  [TFJS('keep_prob_near'), 'keep-prob-confusion', null],
  [TFJS('input_rate_high'), 'input-rate-too-high', 'drop'],
  [TFJS('input_rate_near'), 'input-rate-too-high', null],
  [TFJS('after_output'), 'dropout-after-output', 'drop'],
  [TFJS('rate_too_high_near'), 'dropout-after-output', null],
  [TFJS('on_logits'), 'dropout-on-logits', 'logits_drop'],
  [TFJS('on_logits_near'), 'dropout-on-logits', null],
  [TFJS('consecutive'), 'consecutive-dropout', 'drop2'],
  [TFJS('rate_too_high_near'), 'consecutive-dropout', null],
  [TFJS('before_batchnorm'), 'dropout-before-batchnorm', 'drop'],
  [TFJS('before_batchnorm_near'), 'dropout-before-batchnorm', null],
  [TFJS('before_batchnorm_concat'), 'dropout-before-batchnorm', 'drop'],
  [TFJS('before_batchnorm_concat_near'), 'dropout-before-batchnorm', null],
  [TFJS('before_batchnorm_pool'), 'dropout-before-batchnorm', 'drop'],
  [TFJS('before_maxpool'), 'dropout-before-maxpool', 'drop'],
  [TFJS('conv_standard'), 'dropout-before-maxpool', null],
  [TFJS('conv_standard'), 'conv-standard-dropout', 'drop'],
  [TFJS('conv_spatial'), 'conv-standard-dropout', null],
  [TFJS('conv_rate_high'), 'conv-rate-too-high', 'drop'],
  [TFJS('conv_spatial'), 'conv-rate-too-high', null],
  [TFJS('selu_dropout'), 'selu-needs-alpha-dropout', 'drop'],
  [TFJS('selu_alpha'), 'selu-needs-alpha-dropout', null],
  [TFJS('alpha_without_selu'), 'alpha-dropout-without-selu', 'drop'],
  [TFJS('selu_alpha'), 'alpha-dropout-without-selu', null],
  [TFJS('alpha_rate_high'), 'alpha-rate-too-high', 'drop'],
  [TFJS('selu_alpha'), 'alpha-rate-too-high', null],
  [TFJS('gaussian_rate_invalid'), 'gaussian-rate-invalid', 'drop'],
  [TFJS('gaussian_rate_near'), 'gaussian-rate-invalid', null],
  [TFJS('small_layer'), 'small-layer-heavy-dropout', 'drop'],
  [TFJS('small_layer_near'), 'small-layer-heavy-dropout', null],
  [TFJS('rate_zero'), 'rate-zero', 'drop'],
  [TFJS('rate_zero_near'), 'rate-zero', null],
  [TFJS('recurrent_dropout'), 'recurrent-dropout', 'lstm'],
  [TFJS('recurrent_dropout_near'), 'recurrent-dropout', null],
];

describe('rules on real exports', () => {
  for (const [file, rule, flagged] of [...ROWS, ...TFJS_ROWS]) {
    it(`${file.replace(/^test\/fixtures\//, '')}: ${rule} ${flagged ? `flags ${flagged}` : 'stays silent'}`, () => {
      const result = lintSource(nodeModelSource(file));
      assert.equal(result.error, undefined);
      const found = result.findings.filter((f) => f.rule === rule).map((f) => f.layer.name);
      assert.deepEqual(found, flagged ? [flagged] : []);
    });
  }
});
