// The MC-dropout runner: streaming (Welford, chunked, batched) equals the exact statistics of the same
// passes; the prefix before the first dropout runs once; consistent masks share one mask per pass;
// batchnorm stays in inference mode; a model without a stochastic layer is refused by rule id.
import * as assert from 'node:assert/strict';
import { McNoStochasticLayerError, runMc } from '../../../src/core/engine/mc/mc';
import { Network } from '../../../src/core/engine/network';
import type { LayerSpec } from '../../../src/core/model/network-spec';
import { Rng } from '../../../src/core/random/rng';
import { statsFromPasses } from '../../../src/core/engine/mc/uncertainty';
import { assertAllClose } from './mc-helpers';

const mlp: LayerSpec[] = [
  { type: 'dense', name: 'fc1', units: 12 },
  { type: 'activation', name: 'relu1', activation: 'relu' },
  { type: 'dropout', name: 'drop1', variant: 'standard', rate: 0.4 },
  { type: 'dense', name: 'fc2', units: 3 },
];
const twoDropouts: LayerSpec[] = [
  ...mlp.slice(0, 3),
  { type: 'dense', name: 'fc3', units: 8 },
  { type: 'dropout', name: 'drop2', variant: 'gaussian', rate: 0.3 },
  { type: 'dense', name: 'fc4', units: 3 },
];

function setup(specs = mlp, n = 7) {
  const net = new Network([5], specs);
  const rng = new Rng(3);
  net.init(rng);
  const x = { data: Float32Array.from({ length: n * 5 }, () => rng.normal()), shape: [n, 5] };
  return { net, x, n };
}

describe('MC dropout runner', () => {
  it('streams Welford statistics equal to the exact statistics of the passes (1e-9)', async () => {
    const { net, x, n } = setup();
    const all: number[] = [];
    const partials: number[] = [];
    const r = await runMc(
      net,
      x,
      { passes: 23, seed: 5, every: 4, maxElements: 12 * n * 3 },
      { onChunk: (p) => all.push(...p), onPartial: (s) => partials.push(s.passes) },
    );
    assert.deepEqual(partials, [4, 8, 12, 16, 20, 23]);
    const exact = statsFromPasses(all, 23, n, 3);
    assertAllClose(r.stats.mean, exact.mean, 1e-9, 'mean');
    assertAllClose(r.stats.variance, exact.variance, 1e-9, 'variance');
    assertAllClose(r.stats.expectedEntropy, exact.expectedEntropy, 1e-9, 'expected entropy');
    assert.deepEqual(Array.from(r.stats.votes), Array.from(exact.votes));
    assert.ok(
      r.stats.variance.some((v) => v > 1e-4),
      'the passes differ',
    );
  });

  it('gives the same passes whatever the chunk size, and the same run for the same seed', async () => {
    const { net, x } = setup(twoDropouts);
    const small = await runMc(net, x, { passes: 12, seed: 9, maxElements: 1 });
    const big = await runMc(net, x, { passes: 12, seed: 9 });
    assert.deepEqual(Array.from(small.stats.mean), Array.from(big.stats.mean));
    const other = await runMc(net, x, { passes: 12, seed: 10 });
    assert.notDeepEqual(Array.from(other.stats.mean), Array.from(big.stats.mean));
  });

  it('runs the layers before the first dropout once', async () => {
    const { net, x } = setup();
    const calls = new Map<string, number>();
    for (const layer of net.layers) {
      const forward = layer.forward.bind(layer);
      layer.forward = (t, ctx) => {
        calls.set(layer.name, (calls.get(layer.name) ?? 0) + 1);
        return forward(t, ctx);
      };
    }
    const r = await runMc(net, x, { passes: 30, seed: 1, every: 10 });
    assert.equal(r.prefixLayers, 2);
    assert.equal(calls.get('fc1'), 1);
    assert.equal(calls.get('relu1'), 1);
    assert.equal(calls.get('fc2'), 3, 'three batched chunks of 10 passes');
  });

  it('consistent masks: all samples of a pass see one mask; fresh masks differ per sample', async () => {
    const { net } = setup();
    const row = [0.3, -1, 2, 0.5, 1];
    const x = { data: Float32Array.from([...row, ...row, ...row]), shape: [3, 5] };
    for (const masks of ['consistent', 'fresh'] as const) {
      const chunks: Float32Array[] = [];
      await runMc(net, x, { passes: 8, seed: 2, masks }, { onChunk: (p) => chunks.push(p.slice()) });
      const p = chunks[0] as Float32Array;
      let same = true;
      for (let t = 0; t < 8; t++)
        for (let j = 0; j < 3; j++)
          same &&= p[t * 9 + j] === p[t * 9 + 3 + j] && p[t * 9 + j] === p[t * 9 + 6 + j];
      assert.equal(same, masks === 'consistent', masks);
    }
  });

  it('refuses a network without a stochastic layer with mc-no-stochastic-layer', async () => {
    const { net, x } = setup([{ type: 'dense', name: 'fc', units: 3 }]);
    await assert.rejects(runMc(net, x, { passes: 5, seed: 1 }), (e: unknown) => {
      assert.ok(e instanceof McNoStochasticLayerError);
      assert.equal(e.rule, 'mc-no-stochastic-layer');
      assert.match(e.message, /mc-no-stochastic-layer/);
      return true;
    });
    const zero = setup([{ type: 'dropout', name: 'd', variant: 'standard', rate: 0 }, ...mlp.slice(0, 1)]);
    await assert.rejects(runMc(zero.net, zero.x, { passes: 5, seed: 1 }), McNoStochasticLayerError);
  });

  it('keeps batchnorm in inference mode: running statistics, unchanged buffers, exact expectation', async () => {
    // x → dropout(0.5) → batchnorm (running mean 1, var 3) → softmax. Each pass keeps or drops each of
    // the 2 inputs (doubling kept ones), so the 4 equally likely outcomes give the exact expectation.
    const specs: LayerSpec[] = [
      { type: 'dropout', name: 'd', variant: 'standard', rate: 0.5 },
      { type: 'batchnorm', name: 'bn' },
    ];
    const net = new Network([2], specs);
    const bn = net.layers[1]!;
    bn.buffers![0]!.value.set([1, 1]);
    bn.buffers![1]!.value.set([3, 3]);
    const x = { data: Float32Array.from([1.5, -0.5]), shape: [1, 2] };
    const T = 4000;
    const r = await runMc(net, x, { passes: T, seed: 4 });
    assert.deepEqual(Array.from(bn.buffers![0]!.value), [1, 1]);
    assert.deepEqual(Array.from(bn.buffers![1]!.value), [3, 3]);
    const outcomes = [0, 1, 2, 3].map((k) => {
      const z = [0, 1].map((j) => (((k >> j) & 1) * 2 * x.data[j]! - 1) / Math.sqrt(3 + 1e-5));
      const e = z.map(Math.exp);
      return e.map((v) => v / (e[0]! + e[1]!));
    });
    const mean = [0, 1].map((j) => outcomes.reduce((s, o) => s + o[j]! / 4, 0));
    const variance = [0, 1].map((j) => outcomes.reduce((s, o) => s + (o[j]! - mean[j]!) ** 2 / 4, 0));
    // Sampling error of a mean of T draws: sd ≤ √(variance / T) ≈ 0.006; 5 sd bounds a false alarm at 6e-7.
    const tol = 5 * Math.sqrt(Math.max(...variance) / T);
    assertAllClose(r.stats.mean, mean, tol, 'mean');
    assertAllClose(r.stats.variance, variance, 2 * tol * Math.sqrt(Math.max(...variance)) + 1e-3, 'variance');
  });
});
