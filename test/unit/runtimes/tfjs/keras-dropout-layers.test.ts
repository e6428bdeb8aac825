// The Keras dropout classes the tfjs runtime registers (SpatialDropout2D/3D, which tfjs lacks, and
// AlphaDropout in Keras's form), checked by hand: which values a draw can give, how often, and the moments
// Klambauer et al. (2017) designed alpha dropout to keep.
import * as assert from 'node:assert/strict';
import type { Tensor } from '@tensorflow/tfjs-core';
import { loadTfjs } from '../../../../src/core/runtimes/tfjs/load-library';
import { lcg, seededMathRandom } from './support';

const K = 4.5;

async function single(className: string, config: Record<string, unknown>, inputShape: number[]) {
  const lib = await loadTfjs();
  await lib.startBackend();
  const model = await lib.layers.models.modelFromJSON({
    class_name: 'Sequential',
    config: {
      name: 'one',
      layers: [
        {
          class_name: className,
          config: { name: 'layer', batch_input_shape: [null, ...inputShape], ...config },
        },
      ],
    },
  });
  return { lib, model };
}

describe('tfjs runtime: Keras dropout layers', () => {
  for (const [className, shape] of [
    ['SpatialDropout2D', [5, 4, 6]],
    ['SpatialDropout3D', [3, 2, 4, 6]],
  ] as const) {
    it(`${className} drops whole channels of each sample with the rate's probability, scaling the rest by 1/(1 − rate)`, async () => {
      const rate = 0.4;
      const { lib, model } = await single(className, { rate, data_format: 'channels_last' }, [...shape]);
      const n = 100;
      const channels = shape[shape.length - 1]!;
      const y = seededMathRandom(3, () =>
        lib.core.tidy(
          () =>
            (
              model.apply(lib.core.ones([n, ...shape]), { training: true }) as Tensor
            ).dataSync() as Float32Array,
        ),
      );
      const perChannel = y.length / n / channels;
      let dropped = 0;
      for (let s = 0; s < n; s++)
        for (let c = 0; c < channels; c++) {
          const values = new Set<number>();
          for (let i = 0; i < perChannel; i++)
            values.add(Math.round(y[(s * perChannel + i) * channels + c]! * 1e5) / 1e5);
          assert.equal(values.size, 1, `sample ${s} channel ${c} shares one mask value`);
          const [v] = values;
          assert.ok(v === 0 || Math.abs(v! - 1 / (1 - rate)) < 1e-4, `value ${v}`);
          if (v === 0) dropped++;
        }
      const draws = n * channels;
      const se = Math.sqrt((rate * (1 - rate)) / draws);
      assert.ok(Math.abs(dropped / draws - rate) <= K * se, `dropped ${dropped} of ${draws}`);
      const inference = lib.core.tidy(
        () => (model.apply(lib.core.ones([2, ...shape])) as Tensor).dataSync() as Float32Array,
      );
      assert.ok(
        inference.every((v) => v === 1),
        'the identity outside training',
      );
      model.dispose();
    });
  }

  it("AlphaDropout sets dropped units to a·α' + b and kept ones to a·x + b (α' = −λα), keeping mean 0 and variance 1", async () => {
    const rate = 0.2;
    const { lib, model } = await single('AlphaDropout', { rate }, [100]);
    const n = 200;
    const next = lcg(9);
    // Standard normal inputs (Box–Muller), what a self-normalising network hands on.
    const x = Float32Array.from(
      { length: n * 100 },
      () => Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next()),
    );
    const y = seededMathRandom(5, () =>
      lib.core.tidy(
        () =>
          (
            model.apply(lib.core.tensor(x, [n, 100]), { training: true }) as Tensor
          ).dataSync() as Float32Array,
      ),
    );
    const alphaP = -1.0507009873554805 * 1.6732632423543772;
    const a = ((1 - rate) * (1 + rate * alphaP ** 2)) ** -0.5;
    const b = -a * alphaP * rate;
    let dropped = 0;
    for (let i = 0; i < x.length; i++) {
      if (Math.abs(y[i]! - (a * alphaP + b)) < 1e-5) dropped++;
      else
        assert.ok(Math.abs(y[i]! - (a * x[i]! + b)) < 1e-5, `unit ${i}: ${y[i]} is neither kept nor dropped`);
    }
    const se = Math.sqrt((rate * (1 - rate)) / x.length);
    assert.ok(Math.abs(dropped / x.length - rate) <= K * se, `dropped ${dropped} of ${x.length}`);
    const mean = y.reduce((s, v) => s + v, 0) / y.length;
    const variance = y.reduce((s, v) => s + (v - mean) ** 2, 0) / y.length;
    assert.ok(Math.abs(mean) <= K / Math.sqrt(y.length), `mean ${mean}`);
    assert.ok(Math.abs(variance - 1) <= K * Math.sqrt(2 / y.length) * 1.5, `variance ${variance}`);
    model.dispose();
  });
});
