import * as assert from 'node:assert/strict';
import { defaultData, inputWidth, type DataCandidate } from '../../../src/core/data/fit';
import { openModel } from '../../../src/core/formats/detect';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { pickIn, type DataOffer } from '../../../src/protocol/data-choice';
import { modelInput } from '../../../src/worker/job-data';
import { DEFAULT_SIZE_LIMIT } from '../../../src/core/io/size-limit';

/** The built-in sets in the order the chooser lists them, with their features per sample. */
const BUILTINS: DataCandidate[] = [
  { spec: 'builtin:digits', features: 64 },
  { spec: 'builtin:iris', features: 4 },
  { spec: 'builtin:wine', features: 13 },
  { spec: 'builtin:breast_cancer', features: 30 },
  { spec: 'builtin:moons', features: 2 },
  { spec: 'builtin:circles', features: 2 },
];
const csv = (spec: string, features: number): DataCandidate => ({ spec, features });

describe('data that fits a model', () => {
  it('reads the input width of each sample format', () => {
    const width = (path: string) => inputWidth(openModel(nodeModelSource(path)));
    assert.equal(width('samples/moons-mc.onnx'), 2);
    assert.equal(width('samples/digits-mlp.nn.json'), 64);
    // [1, 8, 8] images: 64 features per sample.
    assert.equal(width('samples/digits-cnn.nn.json'), 64);
    // A TensorFlow.js layers model: 6 token ids per sample, which no built-in set has.
    assert.equal(width('samples/tfjs-rnn/model.json'), 6);
    assert.equal(defaultData(BUILTINS, { width: 6 }), undefined);
    assert.equal(inputWidth({ inputs: [{ name: 'x', shape: [null, null] }] }), undefined);
    assert.equal(inputWidth({ inputs: [] }), undefined);
  });

  it('picks a built-in set of the model width when nothing else is known', () => {
    assert.equal(defaultData(BUILTINS, { width: 2 }), 'builtin:moons');
    assert.equal(defaultData(BUILTINS, { width: 30 }), 'builtin:breast_cancer');
    // Width unknown: the first built-in set, as before.
    assert.equal(defaultData(BUILTINS, {}), 'builtin:digits');
  });

  it('prefers remembered data, then the training block, then a fitting user CSV', () => {
    const choices = [...BUILTINS, csv('/w/a.csv', 5), csv('/w/b.csv', 2)];
    const all = { width: 2, remembered: '/w/b.csv', training: 'builtin:circles' };
    assert.equal(defaultData(choices, all), '/w/b.csv');
    assert.equal(defaultData(choices, { ...all, remembered: undefined }), 'builtin:circles');
    assert.equal(defaultData(choices, { width: 2 }), '/w/b.csv', 'a CSV of the right width before built-ins');
    assert.equal(defaultData(choices, { width: 5 }), '/w/a.csv');
  });

  it('skips remembered data that no longer fits or is no longer offered', () => {
    const choices = [...BUILTINS, csv('/w/a.csv', 5)];
    assert.equal(defaultData(choices, { width: 2, remembered: '/w/a.csv' }), 'builtin:moons');
    assert.equal(defaultData(choices, { width: 2, remembered: '/w/gone.csv' }), 'builtin:moons');
  });

  it('picks nothing when no data has the width (the chooser then says so)', () => {
    assert.equal(defaultData([...BUILTINS, csv('/w/a.csv', 5)], { width: 32 }), undefined);
  });

  it("keeps the page's pick while offered; else the offer's default", () => {
    const offer: DataOffer = {
      choices: [
        { spec: 'builtin:moons', label: 'moons', kind: 'synthetic', features: 2 },
        { spec: '/w/b.csv', label: 'b.csv', kind: 'csv', features: 2, columns: ['x', 'y', 'label'] },
      ],
      selected: '/w/b.csv',
      labelColumn: 'label',
    };
    assert.deepEqual(pickIn(offer, { data: 'builtin:moons?noise=0.2' }), { data: 'builtin:moons' });
    assert.deepEqual(pickIn(offer, { data: 'builtin:iris' }), { data: '/w/b.csv', labelColumn: 'label' });
    assert.equal(pickIn({ choices: offer.choices }, {}), undefined);
  });

  it("reads a model's width and training data in the worker", async () => {
    const context = { limit: DEFAULT_SIZE_LIMIT, isCancelled: () => false, progress: () => undefined };
    // Two features are not an image: no preprocessing is offered.
    assert.deepEqual(await modelInput({ model: 'samples/moons-mc.onnx' }, context), {
      width: 2,
      inputShape: [2],
      epochs: 20,
      seed: 0,
    });
    // A 3 × 16 × 16 input is an RGB image, channels first: ImageNet's statistics are offered.
    const image = await modelInput({ model: 'test/fixtures/mc-images/tiny-cnn.onnx' }, context);
    assert.ok(!('error' in image));
    assert.deepEqual(image.inputShape, [3, 16, 16]);
    assert.deepEqual(image.preprocessing, {
      height: 16,
      width: 16,
      channels: 3,
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
      layout: 'nchw',
    });
    const mlp = await modelInput({ model: 'samples/digits-mlp.nn.json' }, context);
    assert.ok(!('error' in mlp));
    assert.equal(mlp.width, 64);
    assert.equal(mlp.data, 'builtin:digits');
    const missing = await modelInput({ model: 'samples/missing.onnx' }, context);
    assert.ok('error' in missing && missing.error.includes('missing.onnx'), JSON.stringify(missing));
  });
});
