// W3 (MC dropout) at a small size: the MC runner's mean, with its prefix computed once, against T
// explicit stochastic passes through network.forward with the same seed and the same mask streams.
import * as assert from 'node:assert/strict';
import { w3Input } from '../../../bench/data';
import { mcW3, runW3, twoWorkers, w3Network } from '../../../bench/w3';
import type { ForwardContext } from '../../../src/core/engine/layers/layer';
import { Rng } from '../../../src/core/random/rng';

const T = 5;
const ROWS = 16;
const SEED = 7;

/** Mean softmax over T passes of network.forward, each dropout layer drawing from its own fork as in runMc. */
function explicitMean(x: Float32Array, seed = SEED, passes = T): Float64Array {
  const net = w3Network();
  const rng = new Rng(seed);
  const streams = [rng.fork(), rng.fork()];
  let reads = 0;
  const ctx: ForwardContext = {
    training: true,
    // Read once per dropout layer per pass, in layer order.
    get rng() {
      return streams[reads++ % 2] as Rng;
    },
  };
  const mean = new Float64Array(ROWS * 10);
  for (let t = 0; t < passes; t++) {
    const logits = net.forward({ data: x.slice(), shape: [ROWS, 784] }, ctx).data;
    for (let r = 0; r < ROWS; r++) {
      const row = Array.from(logits.subarray(r * 10, r * 10 + 10));
      const max = Math.max(...row);
      const e = row.map((v) => Math.exp(v - max));
      const s = e.reduce((a, b) => a + b, 0);
      e.forEach((v, c) => (mean[r * 10 + c] = (mean[r * 10 + c] as number) + v / s / passes));
    }
  }
  assert.equal(reads, 2 * passes);
  return mean;
}

describe('bench W3 (MC dropout)', () => {
  const { x } = w3Input(ROWS);
  const expected = explicitMean(x);

  for (const mode of ['loop', 'batched'] as const) {
    it(`${mode}: the MC mean equals the mean of ${T} explicit passes with the same seed`, async () => {
      const stats = await mcW3(w3Network(), x, ROWS, T, mode, SEED);
      assert.equal(stats.passes, T);
      for (let i = 0; i < expected.length; i++)
        assert.ok(Math.abs((stats.mean[i] as number) - (expected[i] as number)) < 1e-6, `mean[${i}]`);
      assert.ok(stats.variance.some((v) => v > 0));
    });
  }

  it('prints the peer kit field names and both FLOP figures', async () => {
    const r = await runW3(['--passes', '3', '--rows', '8', '--reps', '1']);
    for (const field of [
      'loop_ms',
      'loop_passes_per_s',
      'loop_var_mean',
      'batched_ms',
      'batched_passes_per_s',
      'batched_var_mean',
      'loop_gflop_per_s',
      'batched_nominal_gflop_per_s',
    ])
      assert.ok((r[field] as number) > 0, field);
    assert.equal(r.prefix_layers, 2);
    assert.ok((r.gflop_done as number) < (r.gflop_nominal as number));
  });

  it('two workers: the merged mean equals the explicit passes of both threads (3 here, 2 there)', async () => {
    const pair = await twoWorkers(w3Network(), x, ROWS);
    try {
      const stats = await pair.run(T, 'loop', SEED);
      assert.equal(stats.passes, T);
      const mine = explicitMean(x, SEED, 3);
      const theirs = explicitMean(x, SEED + 0x40000000, 2);
      for (let i = 0; i < mine.length; i++) {
        const want = (3 * (mine[i] as number) + 2 * (theirs[i] as number)) / T;
        assert.ok(Math.abs((stats.mean[i] as number) - want) < 1e-6, `mean[${i}]`);
      }
    } finally {
      await pair.stop();
    }
  });

  it('--workers 2 runs half the passes on a second thread and merges the statistics', async () => {
    const r = await runW3(['--passes', '4', '--rows', '8', '--reps', '1', '--workers', '2']);
    assert.equal(r.threads, 2);
    for (const field of ['loop_var_mean', 'batched_var_mean']) assert.ok((r[field] as number) > 0, field);
  });
});
