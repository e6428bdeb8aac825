// What the engine predicts for raw rows, the reference side of the export tests (ONNX, PyTorch).
import * as assert from 'node:assert/strict';
import { Rng } from '../../../src/core/random/rng';
import type { Network } from '../../../src/core/engine/network';

/** Standardise (when given), forward in inference mode, softmax each row unless `softmax` is false. */
export function enginePredict(
  net: Network,
  x: Float32Array,
  rows: number,
  options: { standardization?: { mean: number[]; std: number[] }; softmax?: boolean } = {},
): number[] {
  const d = x.length / rows;
  const std = options.standardization;
  const input = Float32Array.from(x, (v, i) =>
    std ? (v - (std.mean[i % d] as number)) / (std.std[i % d] as number) : v,
  );
  const out = net.forward(
    { data: input, shape: [rows, ...net.inputShape] },
    { training: false, rng: new Rng(0) },
  );
  const k = out.data.length / rows;
  const result: number[] = [];
  for (let r = 0; r < rows; r++) {
    const row = Array.from(out.data.subarray(r * k, (r + 1) * k));
    if (options.softmax === false) result.push(...row);
    else {
      const m = Math.max(...row);
      const e = row.map((v) => Math.exp(v - m));
      const s = e.reduce((a, b) => a + b, 0);
      result.push(...e.map((v) => v / s));
    }
  }
  return result;
}

export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}
