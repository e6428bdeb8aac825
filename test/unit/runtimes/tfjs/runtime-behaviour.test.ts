// What the tfjs runtime promises beyond the numbers: batch normalisation stays in inference mode (tfjs's
// own training: true would not), the prefix split gives the statistics of the whole model, a seed repeats
// its passes, memory stays flat over a long stream, and bad models get errors that name what is wrong.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { EngineError } from '../../../../src/core/engine/engine-error';
import { runMcPasses } from '../../../../src/core/engine/mc/mc';
import type { ModelSource } from '../../../../src/core/formats/reader';
import { nodeModelSource } from '../../../../src/core/formats/node-model-source';
import { openTfjsRuntimeModel } from '../../../../src/core/runtimes/tfjs/open';
import {
  artifacts,
  asProbabilities,
  collect,
  diskExample,
  inputs,
  kerasExample,
  mcFigures,
  seededMathRandom,
  openLayers,
} from './support';
import { assertAgree, productPasses } from './mc-check';

const TFJS = join(__dirname, '../../../../../test/fixtures/tfjs');
const layers = { format: 'tfjs-layers' } as never;

/** A fixture's model.json with `edit` applied, its shards read from its folder. */
function edited(name: string, edit: (json: Record<string, unknown>) => void): ModelSource {
  const path = join(TFJS, name, 'model.json');
  const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  edit(json);
  return { ...nodeModelSource(path), bytes: new TextEncoder().encode(JSON.stringify(json)) };
}

describe('tfjs runtime: behaviour', function () {
  this.timeout(120_000);

  it('keeps BatchNormalization on its moving statistics: tfjs training: true everywhere gives other statistics', async () => {
    const example = diskExample(join(TFJS, 'dropout_batchnorm', 'model.json'));
    const model = await openLayers(example.source);
    const reference = await tfl.loadLayersModel(tf.io.fromMemory(artifacts(example)));
    try {
      const n = 6;
      const passes = 300;
      const x = inputs(n, [6], 3);
      const ours = await productPasses(model, { data: x, shape: [n, 6] }, passes, 9);
      // training: true for every layer: the dropout draws, and BatchNormalization uses the batch's statistics.
      const batchStatistics = seededMathRandom(13, () =>
        collect(passes, () =>
          tf.tidy(() =>
            asProbabilities(
              reference.apply(tf.tensor(x, [n, 6]), { training: true }) as tf.Tensor,
              reference,
            ),
          ),
        ),
      );
      assert.throws(
        () =>
          assertAgree(mcFigures(ours.probs, passes, n, 3), mcFigures(batchStatistics, passes, n, 3), 'bn'),
        /tolerance/,
      );
    } finally {
      await model.dispose();
      reference.dispose();
    }
  });

  for (const name of ['mobilenet_v2_like', 'cnn']) {
    it(`${name}: the prefix run once gives the statistics of the whole model every pass, within 4.5 standard errors`, async () => {
      const path = join(TFJS, name, 'model.json');
      const split = await openLayers(nodeModelSource(path));
      const whole = await openLayers(nodeModelSource(path), { wholeModel: true });
      try {
        assert.match(split.notes.join('\n'), /prefix: \d+ of \d+ layers run once per input/);
        assert.match(whole.notes.join('\n'), /whole model every pass/);
        const n = 3;
        const passes = 300;
        const x = { data: inputs(n, split.inputShape, 5), shape: [n, ...split.inputShape] };
        const a = await productPasses(split, x, passes, 1);
        const b = await productPasses(whole, x, passes, 2);
        assert.ok(a.prefixLayers > 0);
        assert.equal(b.prefixLayers, 0);
        assertAgree(mcFigures(a.probs, passes, n, a.classes), mcFigures(b.probs, passes, n, b.classes), name);
      } finally {
        await split.dispose();
        await whole.dispose();
      }
    });
  }

  it('repeats its passes bit for bit from the same seed, and draws others from another', async () => {
    const model = await openLayers(nodeModelSource(join(TFJS, 'gaussian', 'model.json')));
    try {
      const x = { data: inputs(4, [5], 1), shape: [4, 5] };
      const first = await productPasses(model, x, 20, 42);
      const again = await productPasses(model, x, 20, 42);
      const other = await productPasses(model, x, 20, 43);
      assert.deepEqual(again.probs, first.probs);
      assert.notDeepEqual(other.probs, first.probs);
    } finally {
      await model.dispose();
    }
  });

  it('draws a new mask every pass from a Dropout saved with a seed (Keras Dropout(seed=…))', async () => {
    const source = edited('mlp', (json) => {
      const topology = json.modelTopology as {
        config: { layers: { class_name: string; config: { seed?: number } }[] };
      };
      const dropouts = topology.config.layers.filter((l) => l.class_name === 'Dropout');
      assert.ok(dropouts.length > 0);
      for (const d of dropouts) d.config.seed = 5;
    });
    const model = await openLayers(source);
    try {
      const x = { data: inputs(4, [8], 3), shape: [4, 8] };
      // One pass per forward call: a seeded tf.dropout would repeat its mask from call to call.
      const options = { passes: 20, seed: 1, every: 1 };
      const { stats } = await runMcPasses(await model.passes(x, options), options);
      assert.ok(
        stats.variance.some((v) => v > 1e-4),
        `variance ${Array.from(stats.variance).slice(0, 6).join(', ')}`,
      );
    } finally {
      await model.dispose();
    }
  });

  it('holds no more tensors or bytes after 100 batches of 100 rows (a 10,000-sample stream) than after the first', async () => {
    const model = await openLayers(nodeModelSource(join(TFJS, 'cnn', 'model.json')));
    try {
      const shape = model.inputShape;
      const x = { data: inputs(100, shape, 7), shape: [100, ...shape] };
      const batch = async () => {
        await model.deterministic(x);
        await runMcPasses(await model.passes(x, { passes: 10, seed: 1 }), { passes: 10, seed: 1 });
      };
      await batch();
      const after1 = tf.memory();
      for (let i = 1; i < 100; i++) await batch();
      const after100 = tf.memory();
      assert.equal(after100.numTensors, after1.numTensors);
      assert.equal(after100.numBytes, after1.numBytes);
    } finally {
      await model.dispose();
    }
  });

  it('names the layer and class of a layer tfjs does not know', async () => {
    const source = edited('mlp', (json) => {
      const layers = (json.modelTopology as { config: { layers: { class_name: string }[] } }).config.layers;
      layers[1]!.class_name = 'MonteCarloDropout';
    });
    await assert.rejects(openTfjsRuntimeModel(source, layers), (e: unknown) => {
      assert.ok(e instanceof EngineError);
      assert.match(
        e.message,
        /layer "drop1" is of class "MonteCarloDropout", which TensorFlow.js does not know/,
      );
      return true;
    });
  });

  it('reads weight shards only inside the model folder, and names a shard it cannot read', async () => {
    const escaping = edited('mlp', (json) => {
      (json.weightsManifest as { paths: string[] }[])[0]!.paths[0] = '../cnn/group1-shard1of1.bin';
    });
    await assert.rejects(
      openTfjsRuntimeModel(escaping, layers),
      /"\.\.\/cnn\/group1-shard1of1\.bin" could not be read \(refusing/,
    );
    const missing = edited('mlp', (json) => {
      (json.weightsManifest as { paths: string[] }[])[0]!.paths[1] = 'missing.bin';
    });
    await assert.rejects(
      openTfjsRuntimeModel(missing, layers),
      (e: unknown) => e instanceof EngineError && /"missing\.bin"/.test(e.message),
    );
  });

  it('asks for the sample shape of an input with free dimensions, and refuses one mask per pass', async () => {
    const before = tf.memory().numTensors;
    await assert.rejects(openLayers(kerasExample('imdb_lstm').source), /has no fixed sample shape/);
    assert.equal(tf.memory().numTensors, before, 'the refused model released its weights');
    const model = await openLayers(nodeModelSource(join(TFJS, 'mlp', 'model.json')));
    try {
      await assert.rejects(
        model.passes({ data: inputs(2, [8], 1), shape: [2, 8] }, { passes: 2, seed: 1, masks: 'consistent' }),
        /"consistent"/,
      );
    } finally {
      await model.dispose();
    }
  });
});
