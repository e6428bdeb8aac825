// Each dropout variant against its formula: sample mean and variance over ≥ 10⁵ draws within 4σ of the
// closed-form values (σ of the sample variance from the distribution's fourth central moment).
import * as assert from 'node:assert/strict';
import { SELU_ALPHA, SELU_LAMBDA } from '../../../src/core/model/network-spec';
import { scheduledOn } from '../../../src/core/engine/layers/dropout';
import type { DropoutLayerSpec } from '../../../src/core/model/network-spec';
import { Rng } from '../../../src/core/random/rng';
import type { Tensor } from '../../../src/core/engine/tensor';
import { layer64 } from './helpers';

const N = 200_000;

function moments(v: ArrayLike<number>): { mean: number; variance: number; m4: number } {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] as number;
  const mean = s / v.length;
  let s2 = 0;
  let s4 = 0;
  for (let i = 0; i < v.length; i++) {
    const d = (v[i] as number) - mean;
    s2 += d * d;
    s4 += d ** 4;
  }
  return { mean, variance: s2 / v.length, m4: s4 / v.length };
}

/** Sample mean and variance of n draws agree with (mean, variance, fourth central moment) within 4σ. */
function assertMoments(sample: ArrayLike<number>, mean: number, variance: number, m4: number) {
  const n = sample.length;
  const got = moments(sample);
  const meanTol = 4 * Math.sqrt(variance / n);
  const varTol = 4 * Math.sqrt((m4 - variance ** 2) / n);
  assert.ok(Math.abs(got.mean - mean) < meanTol, `mean ${got.mean} vs ${mean} ± ${meanTol}`);
  assert.ok(
    Math.abs(got.variance - variance) < varTol,
    `variance ${got.variance} vs ${variance} ± ${varTol}`,
  );
}

function run(cfg: DropoutLayerSpec, x: Tensor, training: boolean, seed = 1): Float64Array {
  const layer = layer64({ type: 'dropout', name: 'd', ...cfg }, x.shape.slice(1));
  return Float64Array.from(layer.forward(x, { training, rng: new Rng(seed) }).data);
}

const constant = (value: number, shape = [N, 1]): Tensor => ({
  data: new Float64Array(shape.reduce((a, b) => a * b, 1)).fill(value),
  shape,
});

/** Moments of a two-point distribution: value a with probability q, else 0. */
function twoPoint(a: number, q: number): [number, number, number] {
  const mean = a * q;
  return [mean, a * a * q * (1 - q), q * (a - mean) ** 4 + (1 - q) * mean ** 4];
}

describe('dropout variants (statistics over 2·10⁵ draws)', () => {
  const x = 1.7;
  const p = 0.3;

  it('inverted: train y = m·x/(1−p) has E[y] = x, Var = x²p/(1−p); inference y = x', () => {
    const y = run({ variant: 'standard', rate: p }, constant(x), true);
    for (const v of y) assert.ok(v === 0 || Math.abs(v - x / (1 - p)) < 1e-12);
    const [mean, variance, m4] = twoPoint(x / (1 - p), 1 - p);
    assert.ok(Math.abs(mean - x) < 1e-12 && Math.abs(variance - (x * x * p) / (1 - p)) < 1e-12);
    assertMoments(y, mean, variance, m4);
    assert.deepEqual(
      run({ variant: 'standard', rate: p }, constant(x, [3, 1]), false),
      Float64Array.of(x, x, x),
    );
  });

  it('classic: train y = m·x has E[y] = (1−p)·x = the inference output', () => {
    const cfg: DropoutLayerSpec = { variant: 'standard', rate: p, scaling: 'inference-scale' };
    const y = run(cfg, constant(x), true);
    const [mean, variance, m4] = twoPoint(x, 1 - p);
    assertMoments(y, mean, variance, m4);
    const inference = run(cfg, constant(x, [2, 1]), false);
    for (const v of inference) assert.ok(Math.abs(v - (1 - p) * x) < 1e-15);
  });

  it('spatial: one mask per sample and channel, E[y] = x', () => {
    const shape = [N / 8, 2, 2, 2];
    const y = run({ variant: 'spatial', rate: p }, constant(x, shape), true);
    const channelValues: number[] = [];
    for (let c = 0; c < y.length; c += 4) {
      for (let i = 1; i < 4; i++) assert.equal(y[c + i], y[c]);
      channelValues.push(y[c] as number);
    }
    const [mean, variance, m4] = twoPoint(x / (1 - p), 1 - p);
    assertMoments(channelValues, mean, variance, m4);
  });

  it('alpha: SELU-distributed input keeps mean 0 and variance 1', () => {
    const rng = new Rng(11);
    const input = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      const z = rng.normal();
      input[i] = SELU_LAMBDA * (z > 0 ? z : SELU_ALPHA * Math.expm1(z));
    }
    const y = run({ variant: 'alpha', rate: 0.2 }, { data: input, shape: [N, 1] }, true);
    const got = moments(y);
    assertMoments(y, 0, 1, got.m4);
    // A dropped unit takes a·α′ + b, the affine image of SELU's saturation value α′ = −λα.
    const q = 0.8;
    const ap = -SELU_LAMBDA * SELU_ALPHA;
    const a = 1 / Math.sqrt(q + ap * ap * q * (1 - q));
    const dropped = a * ap - a * (1 - q) * ap;
    const share = y.filter((v) => Math.abs(v - dropped) < 1e-12).length / N;
    assert.ok(Math.abs(share - 0.2) < 4 * Math.sqrt((0.2 * 0.8) / N), `dropped share ${share}`);
    assert.deepEqual(run({ variant: 'alpha', rate: 0.2 }, constant(x, [2, 1]), false), Float64Array.of(x, x));
  });

  it('gaussian: y = x·ε, ε ~ N(1, p/(1−p))', () => {
    const y = run({ variant: 'gaussian', rate: p }, constant(x), true);
    const variance = (x * x * p) / (1 - p);
    assertMoments(y, x, variance, 3 * variance ** 2);
  });

  it('gaussian noise: y = x + N(0, σ²)', () => {
    const y = run({ variant: 'gaussian-noise', rate: 0, stddev: 0.5 }, constant(x), true);
    assertMoments(y, x, 0.25, 3 * 0.0625);
  });

  it('DropConnect: E[y] = x·Wᵀ, Var[y] = Σ xᵢ²Wᵢ²·p/(1−p)', () => {
    const dense = layer64({ type: 'dense', name: 'dc', units: 1, dropConnect: p, bias: false }, [3]);
    const w = Float64Array.of(0.5, -1.2, 2);
    dense.params[0]?.value.set(w);
    const input: Tensor = { data: Float64Array.of(1, 0.5, -0.25), shape: [1, 3] };
    const rng = new Rng(4);
    const y = new Float64Array(N / 2);
    for (let i = 0; i < y.length; i++) y[i] = dense.forward(input, { training: true, rng }).data[0] as number;
    const terms = [0, 1, 2].map((i) => (input.data[i] as number) * (w[i] as number));
    const mean = terms.reduce((a, b) => a + b, 0);
    const c = terms.map((t) => t / (1 - p));
    // Sum of independent two-point terms: cumulants add, μ4 = κ4 + 3κ2².
    const k2 = c.reduce((s, t) => s + t * t * p * (1 - p), 0);
    const k4 = c.reduce((s, t) => s + t ** 4 * p * (1 - p) * (1 - 6 * p * (1 - p)), 0);
    assert.ok(Math.abs(k2 - terms.reduce((s, t) => s + (t * t * p) / (1 - p), 0)) < 1e-12);
    assertMoments(y, mean, k2, k4 + 3 * k2 * k2);
    assert.equal(dense.forward(input, { training: false, rng }).data[0], mean);
  });

  it('masks differ between steps and repeat for equal seeds', () => {
    const layer = layer64({ type: 'dropout', name: 'd', variant: 'standard', rate: 0.5 }, [64]);
    const input = constant(1, [4, 64]);
    const rng = new Rng(9);
    const first = Float64Array.from(layer.forward(input, { training: true, rng }).data);
    const second = Float64Array.from(layer.forward(input, { training: true, rng }).data);
    assert.notDeepEqual(first, second);
    const again = layer.forward(input, { training: true, rng: new Rng(9) }).data;
    assert.deepEqual(Float64Array.from(again), first);
  });

  it('schedules: early is on then off, late is off then on (Liu et al. 2023)', () => {
    const at = (kind: 'early' | 'late') =>
      [0, 1, 2, 3].map((e) => (scheduledOn({ kind, epoch: 2 }, e) ? 0.3 : 0));
    assert.deepEqual(at('early'), [0.3, 0.3, 0, 0]);
    assert.deepEqual(at('late'), [0, 0, 0.3, 0.3]);
    assert.equal(scheduledOn({ kind: 'constant' }, 7) ? 0.3 : 0, 0.3);
  });
});
