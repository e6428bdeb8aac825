// MC dropout agrees with onnxruntime. test/fixtures/mc-onnx/generate.py exports a PyTorch MLP with
// Dropout in training mode (mlp-dropout.onnx, opset 13, training_mode = true) and its twin with the
// dropout masks as inputs (mlp-masks.onnx), because onnxruntime's own CPU Dropout masks are not
// independent draws (see generate.py). The test draws T Bernoulli mask sets, has onnxruntime compute each
// pass exactly, and compares the statistics with the engine's MC runs: a network declared here with the
// weights, and `dropout-lens mc` on mlp-dropout.onnx itself (the graph executor, the file's own weights).
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { main } from '../../../src/cli/main';
import { runMc } from '../../../src/core/engine/mc/mc';
import { Rng } from '../../../src/core/random/rng';
import { Network } from '../../../src/core/engine/network';
import type { LayerSpec } from '../../../src/core/model/network-spec';
import { statsFromPasses, type McStats } from '../../../src/core/engine/mc/uncertainty';
import { assertWithinStandardErrors } from './mc-helpers';

const dir = 'test/fixtures/mc-onnx';
const fixture = JSON.parse(readFileSync(`${dir}/weights.json`, 'utf8')) as {
  x: number[];
  rows: number;
  features: number;
  weights: Record<string, number[]>;
};

const specs: LayerSpec[] = [
  { type: 'dense', name: 'fc1', units: 16 },
  { type: 'activation', name: 'relu1', activation: 'relu' },
  { type: 'dropout', name: 'drop1', variant: 'standard', rate: 0.5 },
  { type: 'dense', name: 'fc2', units: 12 },
  { type: 'activation', name: 'relu2', activation: 'relu' },
  { type: 'dropout', name: 'drop2', variant: 'standard', rate: 0.25 },
  { type: 'dense', name: 'fc3', units: 3 },
  { type: 'activation', name: 'softmax', activation: 'softmax' },
];

describe('MC dropout agrees with onnxruntime (same network, independent masks, T = 2000)', () => {
  const T = 2000;
  const { rows, features } = fixture;
  let passes: Float64Array;
  let reference: McStats;

  before(async () => {
    const session = await ort.InferenceSession.create(`${dir}/mlp-masks.onnx`);
    const input = new ort.Tensor('float32', Float32Array.from(fixture.x), [rows, features]);
    const maskRng = new Rng(20110101);
    const mask = (p: number, length: number, cols: number) =>
      new ort.Tensor(
        'float32',
        Float32Array.from({ length }, () => (maskRng.next() >= p ? 1 : 0)),
        [rows, cols],
      );
    passes = new Float64Array(T * rows * 3);
    for (let t = 0; t < T; t++) {
      const out = await session.run({
        x: input,
        m1: mask(0.5, rows * 16, 16),
        m2: mask(0.25, rows * 12, 12),
      });
      passes.set(out.probs!.data as Float32Array, t * rows * 3);
    }
    reference = statsFromPasses(passes, T, rows, 3);
    assert.ok(
      reference.variance.some((v) => v > 1e-3),
      'onnxruntime ran its dropout',
    );
  });

  it('the engine network: per-sample mean and variance agree within 5 standard errors', async () => {
    const net = new Network([features], specs);
    net.importWeights(fixture.weights);
    const x = { data: Float32Array.from(fixture.x), shape: [rows, features] };
    const { stats } = await runMc(net, x, { passes: T, seed: 7 });
    assert.ok(assertWithinStandardErrors(stats, reference, passes, T, 'engine') > 0);
  });

  it('`dropout-lens mc` on the ONNX file: mean and variance agree within 5 standard errors', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'mc-onnx-'));
    try {
      const csv = join(tmp, 'rows.csv');
      const header = [...Array.from({ length: features }, (_, i) => `f${i}`), 'label'].join(',');
      const lines = Array.from({ length: rows }, (_, r) =>
        [...fixture.x.slice(r * features, (r + 1) * features), r % 3].join(','),
      );
      writeFileSync(csv, [header, ...lines].join('\n'));
      let out = '';
      const code = await main(
        ['mc', `${dir}/mlp-dropout.onnx`, '--data', csv, '--passes', String(T), '--seed', '3', '--json'],
        { out: (t) => (out += t), err: (t) => assert.fail(t) },
      );
      assert.equal(code, 0);
      const report = JSON.parse(out) as {
        passes: number;
        n: number;
        samples: { index: number; mean: number[]; variance: number[] }[];
      };
      assert.equal(report.passes, T);
      assert.equal(report.n, rows);
      const mean = new Float64Array(rows * 3);
      const variance = new Float64Array(rows * 3);
      for (const s of report.samples) {
        mean.set(s.mean, s.index * 3);
        variance.set(s.variance, s.index * 3);
      }
      assert.ok(assertWithinStandardErrors({ mean, variance }, reference, passes, T, 'cli') > 0);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
