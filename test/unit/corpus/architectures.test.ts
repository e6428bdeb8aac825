// The readers and the linter on the real-architecture corpus (test/fixtures/architectures): torchvision and
// sequence models exported by torch.onnx.export in train and eval mode at opsets 9, 11 and 13, and the Keras
// examples as TensorFlow.js layers models. The references are truth.json (PyTorch, the onnx package,
// TensorFlow.js) and the ONNX Dropout spec, never the product's own earlier output.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { lintSource, type LintResult } from '../../../src/core/lint/lint-source';

const DIR = join('test', 'fixtures', 'architectures');

/** One file's ground truth, as generate.py and generate-tfjs.mjs wrote it. */
interface Truth {
  model: string;
  format?: 'tfjs-layers';
  opset?: number;
  mode?: 'train' | 'eval';
  ops?: Record<string, number>;
  weightsStripped?: boolean;
  tfjsCountParams?: number;
  kerasParams?: number;
  manifestElements?: number;
}

const truth = JSON.parse(readFileSync(join(DIR, 'truth.json'), 'utf8')) as Record<string, Truth>;
const onnxFiles = Object.keys(truth).filter((f) => f.endsWith('.onnx'));
const results = new Map<string, LintResult>();

function result(file: string): LintResult {
  let r = results.get(file);
  if (!r) results.set(file, (r = lintSource(nodeModelSource(join(DIR, file)))));
  return r;
}

function count(file: string, rule: string): number {
  return result(file).findings.filter((f) => f.rule === rule).length;
}

/** Dropout nodes the exporter wrote (If branches included). */
const dropouts = (file: string) => truth[file]?.ops?.Dropout ?? 0;

describe('real-architecture corpus', function () {
  // Reading the 100 files takes about 3 s on a shared machine; each is read once and kept.
  this.timeout(20_000);

  it('holds the torchvision, sequence and Keras models in both modes at opsets 9, 11 and 13', () => {
    const models = new Set(Object.values(truth).map((t) => t.model));
    for (const model of ['alexnet', 'vgg11', 'resnet18', 'densenet121', 'googlenet', 'squeezenet1_0'])
      assert.ok(models.has(model), model);
    for (const model of [
      'efficientnet_b0',
      'convnext_tiny',
      'transformer_encoder',
      'vit_tiny',
      'if_branches',
    ])
      for (const opset of [9, 11, 13])
        for (const mode of ['train', 'eval'])
          assert.ok(truth[`${model}_opset${opset}_${mode}.onnx`], `${model} opset ${opset} ${mode}`);
    assert.ok(Object.keys(truth).length >= 100, `${Object.keys(truth).length} files`);
  });

  it('opens and lints every file', () => {
    for (const file of Object.keys(truth)) {
      const r = result(file);
      assert.equal(r.error, undefined, `${file}: ${r.error?.message}`);
      assert.ok((r.graph?.layers.length ?? 0) > 1, `${file} has layers`);
    }
  });

  it('opens files whose weights are stripped (external data without its data file)', () => {
    const stripped = onnxFiles.filter((f) => truth[f]?.weightsStripped);
    assert.ok(stripped.length > 50, `${stripped.length} stripped files`);
    for (const file of stripped) {
      assert.ok(!existsSync(join(DIR, `${file}.data`)), `${file}'s data file is not committed`);
      // The weights are named as external data in the file itself.
      assert.ok(readFileSync(join(DIR, file)).includes(`${file}.data`), `${file} refers to its data file`);
      assert.equal(result(file).error, undefined, file);
    }
  });

  // ONNX Dropout-12/13: training_mode true (what a TRAINING export writes) makes the op random at inference;
  // Dropout-7/10 has no training input and is the identity at inference.
  for (const opset of [9, 11, 13]) {
    const rule = opset === 13 ? 'dropout-active-at-inference' : 'inference-noop-dropout';
    it(`reports ${rule} on every Dropout of a train export at opset ${opset}`, () => {
      const files = onnxFiles.filter((f) => truth[f]?.opset === opset && truth[f]?.mode === 'train');
      const withDropout = files.filter((f) => dropouts(f) > 0 && truth[f]?.model !== 'if_branches');
      assert.ok(withDropout.length >= 10, `${withDropout.length} files`);
      for (const file of withDropout) assert.equal(count(file, rule), dropouts(file), file);
    });
  }

  it('reports no dropout left active or left in on eval exports (the exporter removed them)', () => {
    for (const file of onnxFiles.filter((f) => truth[f]?.mode === 'eval')) {
      assert.equal(dropouts(file), 0, `${file} has no Dropout node`);
      assert.equal(count(file, 'dropout-active-at-inference'), 0, file);
      assert.equal(count(file, 'inference-noop-dropout'), 0, file);
    }
  });

  it('reads the Keras examples as TensorFlow.js loads them: no Keras dropout is active at inference', () => {
    const keras = Object.keys(truth).filter((f) => truth[f]?.format === 'tfjs-layers');
    assert.equal(keras.length, 5);
    for (const file of keras) {
      const t = truth[file] as Truth;
      // The generator's Keras formulas and TensorFlow.js agree: the truth is consistent.
      assert.equal(t.tfjsCountParams, t.kerasParams, file);
      assert.equal(t.manifestElements, t.kerasParams, file);
      assert.equal(count(file, 'dropout-active-at-inference'), 0, file);
    }
  });
});
