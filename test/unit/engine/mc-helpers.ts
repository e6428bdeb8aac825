// Shared assertions for the MC-dropout tests.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

/** A PyTorch MC reference a fixture generator wrote: inputs, the eval pass, and moments over T passes. */
export interface McReference {
  shape: number[];
  x: number[];
  deterministic: number[];
  passes: number;
  mean: number[];
  variance: number[];
  m4: number[];
}

/** The reference in `file`, and its inputs as a tensor. */
export function readMcReference(file: string): {
  reference: McReference;
  x: { data: Float32Array; shape: number[] };
} {
  const reference = JSON.parse(readFileSync(file, 'utf8')) as McReference;
  return { reference, x: { data: Float32Array.from(reference.x), shape: reference.shape } };
}

export function assertAllClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tol: number,
  what = '',
): void {
  assert.equal(got.length, want.length, `${what} length`);
  for (let i = 0; i < got.length; i++) {
    const g = got[i] as number;
    const w = want[i] as number;
    assert.ok(Math.abs(g - w) <= tol, `${what}[${i}]: ${g} vs ${w} (tolerance ${tol})`);
  }
}

/**
 * Two independent MC estimates of the same per-entry mean and (population) variance, from T draws each:
 * their difference has standard error √(2σ²/T) for the mean and √(2(μ4 − σ⁴)/T) for the variance, with
 * σ² and the fourth central moment μ4 taken from the reference's passes (T × size, pass-major). Asserts
 * every entry within 5 standard errors (a false alarm over 48 entries is below 3e-5; a wrong rate or
 * scaling moves the mean by ≫ 5 SE) and returns the worst z.
 */
export function assertWithinStandardErrors(
  got: { mean: ArrayLike<number>; variance: ArrayLike<number> },
  reference: { mean: ArrayLike<number>; variance: ArrayLike<number> },
  passes: ArrayLike<number>,
  T: number,
  what: string,
): number {
  const size = reference.mean.length;
  assert.equal(got.mean.length, size, `${what}: mean length`);
  const m4 = new Float64Array(size);
  for (let t = 0; t < T; t++)
    for (let i = 0; i < size; i++)
      m4[i]! += ((passes[t * size + i] as number) - (reference.mean[i] as number)) ** 4 / T;
  let worst = 0;
  for (let i = 0; i < size; i++) {
    const s2 = reference.variance[i] as number;
    const seMean = Math.sqrt((2 * s2) / T) + 1e-6;
    const seVar = Math.sqrt((2 * Math.max(m4[i]! - s2 * s2, 0)) / T) + 1e-6;
    const zMean = Math.abs((got.mean[i] as number) - (reference.mean[i] as number)) / seMean;
    const zVar = Math.abs((got.variance[i] as number) - s2) / seVar;
    worst = Math.max(worst, zMean, zVar);
    assert.ok(
      zMean < 5,
      `${what} mean[${i}]: ${got.mean[i]} vs ${reference.mean[i]} (${zMean.toFixed(1)} SE)`,
    );
    assert.ok(zVar < 5, `${what} variance[${i}]: ${got.variance[i]} vs ${s2} (${zVar.toFixed(1)} SE)`);
  }
  return worst;
}

/**
 * Each entry's mean and variance within 5 standard errors of a reference MC loop's (R passes, its σ² and
 * fourth central moment μ4 given), the error of the difference from both runs' spread (σ² for the mean,
 * μ4 − σ⁴ for the variance).
 */
export function assertAgreesWithReference(
  stats: { mean: ArrayLike<number>; variance: ArrayLike<number> },
  reference: { passes: number; mean: number[]; variance: number[]; m4: number[] },
  T: number,
  what: string,
): void {
  const R = reference.passes;
  for (let i = 0; i < reference.mean.length; i++) {
    const s2 = reference.variance[i]!;
    const seMean = Math.sqrt(s2 / R + stats.variance[i]! / T);
    const seVar = Math.sqrt((reference.m4[i]! - s2 * s2) * (1 / R + 1 / T));
    const dm = Math.abs(stats.mean[i]! - reference.mean[i]!);
    const dv = Math.abs(stats.variance[i]! - s2);
    assert.ok(
      dm <= 5 * seMean + 1e-7,
      `mean[${i}]: ${stats.mean[i]} vs ${what} ${reference.mean[i]} (${(dm / seMean).toFixed(1)} SE)`,
    );
    assert.ok(
      dv <= 5 * seVar + 1e-7,
      `variance[${i}]: ${stats.variance[i]} vs ${what} ${s2} (${(dv / seVar).toFixed(1)} SE)`,
    );
  }
}
