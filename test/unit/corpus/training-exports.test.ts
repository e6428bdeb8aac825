// The randomness and BatchNorm rules on the real-architecture corpus (test/fixtures/architectures): every
// random op and every BatchNormalization of a train export is reported, none of an eval export, counted
// against the ops the onnx package found in each file (truth.json); and an EfficientNet train export whose
// Dropout and BatchNorms Fix and Save As switched off still fails `lint` for its stochastic depth.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { fixOnnx } from '../../../src/core/fix/fix-onnx';
import { lintSource, type LintResult } from '../../../src/core/lint/lint-source';
import { run } from '../cli/run-cli';

const DIR = join('test', 'fixtures', 'architectures');
const RANDOM_OPS = [
  'RandomUniform',
  'RandomUniformLike',
  'RandomNormal',
  'RandomNormalLike',
  'Bernoulli',
  'Multinomial',
];

interface Truth {
  mode?: 'train' | 'eval';
  ops?: Record<string, number>;
}

const truth = JSON.parse(readFileSync(join(DIR, 'truth.json'), 'utf8')) as Record<string, Truth>;
const onnxFiles = Object.keys(truth).filter((f) => f.endsWith('.onnx'));
const results = new Map<string, LintResult>();

function count(file: string, rule: string): number {
  let r = results.get(file);
  if (!r) results.set(file, (r = lintSource(nodeModelSource(join(DIR, file)))));
  return r.findings.filter((f) => f.rule === rule).length;
}

const ops = (file: string, names: string[]) => names.reduce((n, op) => n + (truth[file]?.ops?.[op] ?? 0), 0);

describe('real-architecture corpus: randomness and BatchNorm of train exports', function () {
  this.timeout(60_000);

  it('reports every random op of a train export (stochastic depth of EfficientNet and ConvNeXt), none of an eval export', () => {
    const withRandom = onnxFiles.filter((f) => ops(f, RANDOM_OPS) > 0);
    assert.ok(withRandom.length >= 6, `${withRandom.length} files with random ops`);
    for (const file of onnxFiles)
      assert.equal(count(file, 'random-op-at-inference'), ops(file, RANDOM_OPS), file);
    for (const file of withRandom) assert.equal(truth[file]?.mode, 'train', file);
  });

  it('reports every BatchNormalization of a train export, none of an eval export', () => {
    const train = onnxFiles.filter((f) => truth[f]?.mode === 'train' && ops(f, ['BatchNormalization']) > 0);
    assert.ok(train.length >= 15, `${train.length} train files with BatchNorm`);
    for (const file of train)
      assert.equal(count(file, 'batchnorm-training-mode'), ops(file, ['BatchNormalization']), file);
    for (const file of onnxFiles.filter((f) => truth[f]?.mode === 'eval'))
      assert.equal(count(file, 'batchnorm-training-mode'), 0, file);
  });

  it('EfficientNet-B0 train export: Fix and Save As turns its Dropout and 49 BatchNorms off, and lint still fails on its 9 stochastic depth ops', async () => {
    const path = join(DIR, 'efficientnet_b0_opset13_train.onnx');
    const result = fixOnnx(nodeModelSource(path));
    const fixed = result.fixed.map((f) => f.finding.rule);
    assert.equal(fixed.filter((r) => r === 'batchnorm-training-mode').length, 49);
    assert.ok(fixed.includes('dropout-active-at-inference'));
    assert.deepEqual(
      [...new Set(result.remaining.map((f) => `${f.rule} ${f.severity}`))],
      ['random-op-at-inference error'],
    );
    assert.equal(result.remaining.length, 9);
    const dir = mkdtempSync(join(tmpdir(), 'efficientnet-'));
    try {
      const file = join(dir, 'efficientnet_b0.fixed.onnx');
      writeFileSync(file, result.bytes);
      const { code, out } = await run('lint', file);
      assert.equal(code, 1);
      assert.equal(out.match(/error \[random-op-at-inference\]/g)?.length, 9);
      assert.match(out, /RandomUniformLike → Less → Cast → Div → Mul: stochastic depth/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
