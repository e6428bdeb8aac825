// The Keras examples of the architecture corpus (tfjs layers models) on the tfjs runtime, against
// TensorFlow.js's own model.predict (deterministic pass) and a direct tfjs loop of model.apply(x,
// { training: true }) (MC statistics: none of these models has batch normalisation, so training mode
// changes only their dropout). The loop's unseeded draws are seeded through Math.random, so each run repeats.
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { McModel } from '../../../../src/core/engine/mc/runtime';
import {
  artifacts,
  asProbabilities,
  collect,
  inputs,
  kerasExample,
  mcFigures,
  seededMathRandom,
  openLayers,
} from './support';
import { assertAgree, productPasses } from './mc-check';

interface Case {
  name: string;
  n: number;
  /** MC passes of each side. */
  passes: number;
  /** Sample shape given to the runtime (the model's own when fixed). */
  shape?: number[];
  vocabulary?: number;
  prefixLayers: number;
}

const CASES: Case[] = [
  { name: 'mnist_cnn', n: 4, passes: 150, prefixLayers: 3 },
  { name: 'cifar10_cnn', n: 3, passes: 120, prefixLayers: 5 },
  { name: 'imdb_lstm', n: 3, passes: 120, shape: [40], vocabulary: 20000, prefixLayers: 1 },
  { name: 'imdb_bidirectional_lstm', n: 2, passes: 60, vocabulary: 20000, prefixLayers: 1 },
  { name: 'reuters_mlp_selu', n: 6, passes: 300, prefixLayers: 2 },
];

describe('tfjs runtime: the Keras examples', function () {
  this.timeout(240_000);

  for (const c of CASES) {
    describe(c.name, () => {
      const example = kerasExample(c.name);
      let model: McModel;
      let reference: tfl.LayersModel;
      let x: Float32Array;
      let shape: number[];

      before(async () => {
        model = await openLayers(example.source, {
          inputShape: c.shape,
        });
        reference = await tfl.loadLayersModel(tf.io.fromMemory(artifacts(example)));
        shape = model.inputShape;
        x = inputs(c.n, shape, 11, c.vocabulary);
      });
      after(async () => {
        await model.dispose();
        reference.dispose();
      });

      it('runs on the WebAssembly backend and splits off the layers before the first dropout', () => {
        assert.equal(model.engine.name, 'tfjs-wasm');
        assert.match(model.notes.join('\n'), new RegExp(`prefix: ${c.prefixLayers} of \\d+ layers`));
      });

      it("gives tfjs's own model.predict in its deterministic pass (within 1e-5)", async () => {
        const ours = await model.deterministic({ data: x, shape: [c.n, ...shape] });
        const theirs = tf.tidy(() =>
          asProbabilities(reference.predict(tf.tensor(x, [c.n, ...shape])) as tf.Tensor, reference),
        );
        const expected = theirs.dataSync();
        theirs.dispose();
        assert.equal(ours.length, expected.length);
        for (let i = 0; i < ours.length; i++)
          assert.ok(Math.abs(ours[i]! - expected[i]!) <= 1e-5, `row value ${i}`);
      });

      it('gives the MC statistics of a tfjs loop with training: true, within 4.5 standard errors', async () => {
        const ours = await productPasses(model, { data: x, shape: [c.n, ...shape] }, c.passes, 5);
        assert.equal(ours.prefixLayers, c.prefixLayers);
        const theirs = seededMathRandom(7, () =>
          collect(c.passes, () =>
            tf.tidy(() =>
              asProbabilities(
                reference.apply(tf.tensor(x, [c.n, ...shape]), { training: true }) as tf.Tensor,
                reference,
              ),
            ),
          ),
        );
        const figures = mcFigures(ours.probs, c.passes, c.n, ours.classes);
        const spread = Math.max(...figures.meanSe);
        assert.ok(spread > 1e-4, `the passes must differ (largest standard error ${spread})`);
        assertAgree(figures, mcFigures(theirs, c.passes, c.n, ours.classes), c.name);
      });
    });
  }
});
