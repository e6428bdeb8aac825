// The rules against published designs, on the real-architecture corpus (test/fixtures/architectures):
// DenseNet's Dropout → Concat → BatchNorm is the variance shift Li et al. (CVPR 2019) measured; the
// rates of GoogLeNet (0.7 in its auxiliary heads, Szegedy et al. 2015) and SqueezeNet (0.5 after fire9,
// Iandola et al. 2016) are choices, not mistakes; AlexNet's and VGG's large dense layers are regularised
// by their dropout, which an eval export removes. Node counts come from truth.json (the onnx package).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import type { Finding } from '../../../src/core/lint/rule';
import { lintSource } from '../../../src/core/lint/lint-source';

const DIR = join('test', 'fixtures', 'architectures');
const truth = JSON.parse(readFileSync(join(DIR, 'truth.json'), 'utf8')) as Record<
  string,
  { ops?: Record<string, number> }
>;
const OPSETS = [9, 11, 13];

function findings(file: string, rule?: string): Finding[] {
  const result = lintSource(nodeModelSource(join(DIR, file)));
  assert.equal(result.error, undefined, file);
  return result.findings.filter((f) => rule === undefined || f.rule === rule);
}

describe('rules on published designs', function () {
  this.timeout(20_000);

  for (const opset of OPSETS) {
    it(`DenseNet-121 (drop_rate 0.2) at opset ${opset}: every Dropout reaches a BatchNorm through a Concat`, () => {
      const file = `densenet121_opset${opset}_train.onnx`;
      const found = findings(file, 'dropout-before-batchnorm');
      assert.equal(found.length, truth[file]?.ops?.Dropout);
      assert.equal(found.length, 58);
      for (const f of found) {
        assert.equal(f.severity, 'warning');
        assert.equal(f.layer.originalOp, 'Dropout');
        assert.match(f.message, /feeds BatchNorm '[^']+' through Concat '[^']+': /);
        assert.deepEqual(
          f.related?.map((r) => r.layer.originalOp),
          ['BatchNormalization', 'Concat'],
        );
      }
      // The block's last dropout reaches the transition's (or the final) BatchNorm, the others the next layer's.
      const named = found.map((f) => f.related?.[0]?.layer.name ?? '');
      assert.equal(named.filter((n) => /norm1\//.test(n)).length, 58 - 4);
      assert.equal(named.filter((n) => /transition\d\/norm\/|\/norm5\//.test(n)).length, 4);
      assert.deepEqual(findings(`densenet121_opset${opset}_eval.onnx`, 'dropout-before-batchnorm'), []);
    });
  }

  for (const model of ['alexnet', 'vgg11'])
    it(`${model}: no large-dense-without-dropout in train or eval exports`, () => {
      for (const opset of OPSETS)
        for (const mode of ['train', 'eval'])
          assert.deepEqual(
            findings(`${model}_opset${opset}_${mode}.onnx`, 'large-dense-without-dropout'),
            [],
          );
    });

  it("GoogLeNet's 0.7 in its auxiliary heads and SqueezeNet's 0.5 after fire9 are info", () => {
    for (const opset of OPSETS) {
      const aux = findings(`googlenet_opset${opset}_train.onnx`, 'rate-too-high');
      assert.deepEqual(
        aux.map((f) => [f.severity, /\/aux[12]\//.test(f.layer.name)]),
        [
          ['info', true],
          ['info', true],
        ],
      );
      const squeeze = findings(`squeezenet1_0_opset${opset}_train.onnx`, 'conv-rate-too-high');
      assert.deepEqual(
        squeeze.map((f) => [f.severity, f.layer.name]),
        [['info', '/classifier/classifier.0/Dropout']],
      );
    }
  });

  it('eval exports of the classic CNNs have no warning or error (lint exits 0)', () => {
    for (const model of ['alexnet', 'vgg11', 'googlenet', 'squeezenet1_0', 'densenet121', 'resnet18'])
      for (const opset of OPSETS) {
        const loud = findings(`${model}_opset${opset}_eval.onnx`).filter(
          (f) => f.severity === 'error' || f.severity === 'warning',
        );
        assert.deepEqual(
          loud.map((f) => f.rule),
          [],
          `${model} opset ${opset}`,
        );
      }
  });
});
