// Shared assertions for the MC-dropout tests.
import * as assert from 'node:assert/strict';

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
