// The tfjs layers fixtures (test/fixtures/tfjs, made by tfjs itself with seeded weights) on the tfjs
// runtime: every dropout-family class tfjs has, RNN dropout, wrappers, a Functional model with branches,
// batch normalisation before and after dropout, and a MobileNetV2-like model (ZeroPadding2D,
// DepthwiseConv2D, ReLU6) that the own engine's graph executor cannot run. References: tfjs's own
// model.predict (deterministic pass), and passes of tfjs's own layers applied one by one, the stochastic
// ones with training: true and the rest (batch normalisation) with training: false.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { McModel } from '../../../../src/core/engine/mc/runtime';
import {
  artifacts,
  asProbabilities,
  collect,
  diskExample,
  inputs,
  layerByLayer,
  mcFigures,
  seededMathRandom,
  openLayers,
} from './support';
import { assertAgree, productPasses } from './mc-check';

const FIXTURES = join(__dirname, '../../../../../test/fixtures/tfjs');

const RANDOM_CLASSES = new Set([
  'Dropout',
  'SpatialDropout1D',
  'GaussianDropout',
  'GaussianNoise',
  'AlphaDropout',
]);
/** tfjs's own notion: the dropout family, RNNs (their dropout masks) and wrappers of RNNs. */
const drawsInTraining = (layer: tfl.layers.Layer) =>
  RANDOM_CLASSES.has(layer.getClassName()) || /LSTM|GRU|RNN|Bidirectional/.test(layer.getClassName());

interface Case {
  name: string;
  n: number;
  passes: number;
  /** Layers the runtime runs once (0: the whole model every pass). */
  prefixLayers: number;
  vocabulary?: number;
}

const CASES: Case[] = [
  { name: 'mlp', n: 6, passes: 300, prefixLayers: 1 },
  { name: 'functional', n: 6, passes: 300, prefixLayers: 0 },
  { name: 'cnn', n: 4, passes: 300, prefixLayers: 2 },
  { name: 'conv1d', n: 6, passes: 300, prefixLayers: 1 },
  { name: 'rnn', n: 4, passes: 200, prefixLayers: 1, vocabulary: 20 },
  { name: 'wrappers', n: 4, passes: 150, prefixLayers: 1, vocabulary: 30 },
  { name: 'gaussian', n: 6, passes: 300, prefixLayers: 1 },
  { name: 'dropout_batchnorm', n: 6, passes: 300, prefixLayers: 1 },
  { name: 'mobilenet_v2_like', n: 3, passes: 200, prefixLayers: 18 },
];

describe('tfjs runtime: layers models made by tfjs', function () {
  this.timeout(120_000);

  for (const c of CASES) {
    describe(c.name, () => {
      const path = join(FIXTURES, c.name, 'model.json');
      let model: McModel;
      let reference: tfl.LayersModel;
      let x: Float32Array;
      let shape: number[];

      before(async () => {
        const example = diskExample(path);
        model = await openLayers(example.source);
        reference = await tfl.loadLayersModel(tf.io.fromMemory(artifacts(example)));
        shape = model.inputShape;
        x = inputs(c.n, shape, 3, c.vocabulary);
      });
      after(async () => {
        await model.dispose();
        reference.dispose();
      });

      it("gives tfjs's own model.predict in its deterministic pass (within 1e-5)", async () => {
        const ours = await model.deterministic({ data: x, shape: [c.n, ...shape] });
        const y = tf.tidy(() =>
          asProbabilities(reference.predict(tf.tensor(x, [c.n, ...shape])) as tf.Tensor, reference),
        );
        const expected = y.dataSync();
        y.dispose();
        assert.equal(ours.length, expected.length);
        for (let i = 0; i < ours.length; i++)
          assert.ok(Math.abs(ours[i]! - expected[i]!) <= 1e-5, `value ${i}: ${ours[i]} vs ${expected[i]}`);
      });

      it('gives the MC statistics of tfjs layers applied one by one, within 4.5 standard errors', async () => {
        const ours = await productPasses(model, { data: x, shape: [c.n, ...shape] }, c.passes, 9);
        assert.equal(ours.prefixLayers, c.prefixLayers);
        const theirs = seededMathRandom(13, () =>
          collect(c.passes, () =>
            tf.tidy(() =>
              asProbabilities(
                layerByLayer(reference, tf.tensor(x, [c.n, ...shape]), drawsInTraining),
                reference,
              ),
            ),
          ),
        );
        const figures = mcFigures(ours.probs, c.passes, c.n, ours.classes);
        assert.ok(
          Math.max(...figures.meanSe) > 1e-6,
          `the passes must differ (${Math.max(...figures.meanSe)})`,
        );
        assertAgree(figures, mcFigures(theirs, c.passes, c.n, ours.classes), c.name);
      });
    });
  }
});
