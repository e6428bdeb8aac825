// Uncertainty metrics against NumPy: test/fixtures/mc-metrics/generate.py computes every metric from the
// same fixed pass outputs (metrics.json); the engine must agree within 1e-6.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  accuracy,
  margin,
  mergeStats,
  mutualInformation,
  nll,
  predictions,
  predictiveEntropy,
  reliability,
  rejectionCurve,
  statsFromPasses,
  variationRatio,
} from '../../../src/core/engine/mc/uncertainty';
import { assertAllClose } from './mc-helpers';

const ref = JSON.parse(readFileSync('test/fixtures/mc-metrics/metrics.json', 'utf8')) as {
  T: number;
  n: number;
  classes: number;
  passes: number[];
  labels: number[];
  mean: number[];
  variance: number[];
  predictiveEntropy: number[];
  expectedEntropy: number[];
  mutualInformation: number[];
  margin: number[];
  variationRatio: number[];
  nll: number;
  accuracy: number;
  ece: number;
  bins: { lo: number; hi: number; count: number; confidence: number; accuracy: number }[];
  rejection: { fraction: number; kept: number; accuracy: number }[];
};

describe('uncertainty metrics match NumPy (tolerance 1e-6)', () => {
  const s = statsFromPasses(ref.passes, ref.T, ref.n, ref.classes);
  const C = ref.classes;

  it('predictive mean and variance', () => {
    assertAllClose(s.mean, ref.mean, 1e-6);
    assertAllClose(s.variance, ref.variance, 1e-6);
  });
  it('statistics of two parts of the passes, merged (Chan et al.), equal NumPy over all of them', () => {
    const size = ref.n * C;
    for (const split of [1, Math.floor(ref.T / 2), ref.T - 1]) {
      const first = statsFromPasses(ref.passes.slice(0, split * size), split, ref.n, C);
      const rest = statsFromPasses(ref.passes.slice(split * size), ref.T - split, ref.n, C);
      const merged = mergeStats(first, rest);
      assert.equal(merged.passes, ref.T);
      assertAllClose(merged.mean, ref.mean, 1e-6);
      assertAllClose(merged.variance, ref.variance, 1e-6);
      assertAllClose(merged.expectedEntropy, ref.expectedEntropy, 1e-6);
      assert.deepEqual(merged.votes, s.votes);
    }
  });
  it('predictive entropy, expected entropy and mutual information (BALD)', () => {
    assertAllClose(predictiveEntropy(s), ref.predictiveEntropy, 1e-6);
    assertAllClose(s.expectedEntropy, ref.expectedEntropy, 1e-6);
    assertAllClose(mutualInformation(s), ref.mutualInformation, 1e-6);
  });
  it('margin and variation ratio', () => {
    assertAllClose(margin(s), ref.margin, 1e-6);
    assertAllClose(variationRatio(s), ref.variationRatio, 1e-6);
  });
  it('NLL and accuracy', () => {
    assert.ok(Math.abs(nll(s.mean, ref.labels, C) - ref.nll) < 1e-6);
    assert.equal(accuracy(s.mean, ref.labels, C), ref.accuracy);
  });
  it('ECE with 15 reliability bins', () => {
    const r = reliability(s.mean, ref.labels, C);
    assert.ok(Math.abs(r.ece - ref.ece) < 1e-6, `ece ${r.ece} vs ${ref.ece}`);
    assert.equal(r.bins.length, 15);
    r.bins.forEach((b, i) => {
      const want = ref.bins[i]!;
      assert.equal(b.count, want.count, `bin ${i} count`);
      assertAllClose(
        [b.lo, b.hi, b.confidence, b.accuracy],
        [want.lo, want.hi, want.confidence, want.accuracy],
        1e-6,
      );
    });
  });
  it('accuracy-vs-rejection curve by predictive entropy', () => {
    const pred = predictions(s);
    const correct = Array.from(pred, (p, i) => p === ref.labels[i]);
    const curve = rejectionCurve(predictiveEntropy(s), correct);
    assert.deepEqual(
      curve.map((c) => c.kept),
      ref.rejection.map((c) => c.kept),
    );
    assertAllClose(
      curve.map((c) => c.accuracy),
      ref.rejection.map((c) => c.accuracy),
      1e-6,
    );
  });
});
