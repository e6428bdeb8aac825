// A generated monorepo of model files for `dropout-lens lint`: packages of ten files each, a third
// .nn.json (rates from fine to wrong), a third ONNX and a third TensorFlow.js model.json (copies of the
// repository's test models, exported by PyTorch and written by TensorFlow.js), a `.dropoutlens.json` in
// every 25th package, and a few files cut short. The same count gives the same files.
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root: this file runs from out/bench/. */
const ROOT = join(__dirname, '..', '..');

const ONNX = [
  'test/fixtures/onnx-torch/mlp_train_opset13.onnx',
  'test/fixtures/onnx-torch/mlp_eval_opset13.onnx',
  'test/fixtures/onnx-torch/mlp_train_opset9.onnx',
  'test/fixtures/onnx-torch/cnn_opset13.onnx',
  'samples/moons-mc.onnx',
];
const RATES = [0.1, 0.25, 0.5, 0, 0.9, 0.6, 1.5];

function tfjsModels(): string[] {
  const dir = join(ROOT, 'test/fixtures/tfjs');
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== 'rules')
    .map((e) => join(dir, e.name, 'model.json'))
    .sort();
}

function nnJson(i: number): string {
  const rate = RATES[i % RATES.length];
  const units = 16 << (i % 4);
  return `{
  "format": "dropout-lens/nn", "version": 1, "name": "net-${i}",
  "input": { "shape": [${8 + (i % 56)}] },
  "layers": [
    { "type": "dense", "units": ${units}, "activation": "${i % 5 === 0 ? 'selu' : 'relu'}" },
    { "type": "dropout", "rate": ${rate} },
    { "type": "dense", "units": 10, "activation": "softmax" }${i % 7 === 0 ? ',\n    { "type": "dropout", "rate": 0.2 }' : ''}
  ]
}
`;
}

/** Writes `count` model files under `dir`; returns how many of each kind. */
export function writeLintCorpus(dir: string, count: number): { nn: number; onnx: number; tfjs: number } {
  const tfjs = tfjsModels();
  const counts = { nn: 0, onnx: 0, tfjs: 0 };
  for (let i = 0; i < count; i++) {
    const pkgIndex = Math.floor(i / 10);
    const pkg = join(dir, 'packages', `pkg-${String(pkgIndex).padStart(4, '0')}`);
    if (i % 10 === 0) {
      mkdirSync(pkg, { recursive: true });
      if (pkgIndex % 25 === 0)
        writeFileSync(
          join(pkg, '.dropoutlens.json'),
          '{ "rules": { "rate-zero": "off", "rate-too-high": "error" } }',
        );
    }
    if (i % 3 === 0) {
      const text = nnJson(i);
      // Every 250th file is cut short, as a half-written file would be.
      writeFileSync(join(pkg, `net-${i}.nn.json`), i % 250 === 0 ? text.slice(0, text.length >> 1) : text);
      counts.nn++;
    } else if (i % 3 === 1) {
      copyFileSync(join(ROOT, ONNX[i % ONNX.length] as string), join(pkg, `model-${i}.onnx`));
      counts.onnx++;
    } else {
      const web = join(pkg, `web-${i}`);
      mkdirSync(web);
      copyFileSync(tfjs[i % tfjs.length] as string, join(web, 'model.json'));
      counts.tfjs++;
    }
  }
  return counts;
}
