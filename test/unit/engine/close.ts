// Element-wise comparison with a reference: |a − e| ≤ abs + rel·|e| everywhere; returns the largest |a − e|.
import * as assert from 'node:assert/strict';
import type { Tensor } from '../../../src/core/engine/tensor';

export function assertClose(actual: Tensor, expected: Tensor, what: string, rel = 1e-4, abs = 1e-5): number {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  let worst = 0;
  expected.data.forEach((e, i) => {
    const a = actual.data[i] as number;
    const diff = Math.abs(a - e);
    worst = Math.max(worst, diff);
    assert.ok(
      diff <= abs + rel * Math.abs(e) || (Number.isNaN(a) && Number.isNaN(e)),
      `${what}[${i}]: ${a} vs ${e}`,
    );
  });
  return worst;
}
