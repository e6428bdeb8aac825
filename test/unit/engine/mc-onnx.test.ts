// MC dropout agrees with onnxruntime. test/fixtures/mc-onnx/generate.py exports a PyTorch MLP with
// Dropout in training mode (mlp-dropout.onnx, opset 13, training_mode = true: for the ONNX reader once it
// lands) and its twin with the dropout masks as inputs (mlp-masks.onnx), because onnxruntime's own CPU
// Dropout masks are not independent draws (see generate.py). The test draws T Bernoulli mask sets, has
// onnxruntime compute each pass exactly, and compares the statistics with the engine's MC run. Until the
// ONNX reader builds this network from the IR, the engine's network is declared here with the weights.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { runMc } from '../../../src/core/engine/mc';
import { Rng } from '../../../src/core/engine/rng';
import { Network, type LayerSpec } from '../../../src/core/engine/network';
import { statsFromPasses } from '../../../src/core/engine/uncertainty';

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
  it('per-sample mean and variance of the class probabilities agree within 5 standard errors', async () => {
    const T = 2000;
    const { rows, features } = fixture;
    const session = await ort.InferenceSession.create(`${dir}/mlp-masks.onnx`);
    const input = new ort.Tensor('float32', Float32Array.from(fixture.x), [rows, features]);
    const maskRng = new Rng(20110101);
    const mask = (p: number, length: number, cols: number) =>
      new ort.Tensor(
        'float32',
        Float32Array.from({ length }, () => (maskRng.next() >= p ? 1 : 0)),
        [rows, cols],
      );
    const passes = new Float64Array(T * rows * 3);
    for (let t = 0; t < T; t++) {
      const out = await session.run({
        x: input,
        m1: mask(0.5, rows * 16, 16),
        m2: mask(0.25, rows * 12, 12),
      });
      passes.set(out.probs!.data as Float32Array, t * rows * 3);
    }
    const reference = statsFromPasses(passes, T, rows, 3);

    const net = new Network([features], specs);
    net.importWeights(fixture.weights);
    const x = { data: Float32Array.from(fixture.x), shape: [rows, features] };
    const { stats } = await runMc(net, x, { passes: T, seed: 7 });

    // Two independent estimates of the same quantity from T draws each: their difference has standard
    // error √(2σ²/T) for the mean and √(2(μ4 − σ⁴)/T) for the (population) variance, with σ² and the
    // fourth central moment μ4 taken from onnxruntime's passes. 5 standard errors keep the chance of a
    // false alarm over all 48 entries below 3e-5; a wrong rate or scaling moves the mean by ≫ 5 SE.
    const m4 = new Float64Array(rows * 3);
    for (let t = 0; t < T; t++)
      for (let i = 0; i < rows * 3; i++) m4[i]! += (passes[t * rows * 3 + i]! - reference.mean[i]!) ** 4 / T;
    let worst = 0;
    for (let i = 0; i < rows * 3; i++) {
      const s2 = reference.variance[i]!;
      const seMean = Math.sqrt((2 * s2) / T) + 1e-6;
      const seVar = Math.sqrt((2 * Math.max(m4[i]! - s2 * s2, 0)) / T) + 1e-6;
      const zMean = Math.abs(stats.mean[i]! - reference.mean[i]!) / seMean;
      const zVar = Math.abs(stats.variance[i]! - s2) / seVar;
      worst = Math.max(worst, zMean, zVar);
      assert.ok(
        zMean < 5,
        `mean[${i}]: ${stats.mean[i]} vs onnxruntime ${reference.mean[i]} (${zMean.toFixed(1)} SE)`,
      );
      assert.ok(
        zVar < 5,
        `variance[${i}]: ${stats.variance[i]} vs onnxruntime ${s2} (${zVar.toFixed(1)} SE)`,
      );
    }
    assert.ok(
      reference.variance.some((v) => v > 1e-3),
      'onnxruntime ran its dropout',
    );
    assert.ok(worst > 0);
  });
});
