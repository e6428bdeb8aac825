// The training spec's one type and its defaults, both from media/nn.schema.json: every default the
// schema documents is what a model without the field trains with, and the type names the schema's fields.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import schema from '../../../media/nn.schema.json';
import { resolveTraining, type TrainingSpec } from '../../../src/core/model/training-spec';

const training = schema.definitions.training.properties;
const [sgd, adam] = schema.definitions.optimizer.allOf.map((b) => b.then.properties);

describe('training spec (defaults from the schema)', () => {
  it('has the type the schema gives (scripts/training-spec-types.mjs --check)', () => {
    execFileSync(process.execPath, ['scripts/training-spec-types.mjs', '--check'], { stdio: 'pipe' });
  });

  it('names exactly the fields of the schema', () => {
    const full = {
      data: 'builtin:moons',
      labelColumn: 'label',
      validationSplit: 0.1,
      epochs: 3,
      batchSize: 8,
      optimizer: { type: 'sgd', learningRate: 0.1, momentum: 0.5 },
      l2: 0.01,
      maxNorm: 3,
      loss: 'mse',
      seed: 4,
    } satisfies Required<TrainingSpec>;
    assert.deepEqual(Object.keys(full).sort(), Object.keys(training).sort());
    assert.deepEqual(resolveTraining(full, 'm'), full);
  });

  it('fills in every default the schema documents, and no other', () => {
    assert.deepEqual(resolveTraining({ data: 'builtin:moons' }, 'm'), {
      data: 'builtin:moons',
      validationSplit: training.validationSplit.default,
      epochs: training.epochs.default,
      batchSize: training.batchSize.default,
      optimizer: {
        type: 'adam',
        learningRate: adam?.learningRate.default,
        beta1: adam?.beta1?.default,
        beta2: adam?.beta2?.default,
        epsilon: adam?.epsilon?.default,
      },
      l2: training.l2.default,
      loss: training.loss.default,
      seed: training.seed.default,
    });
    assert.deepEqual(resolveTraining({ data: 'a.csv', optimizer: { type: 'sgd' } }, 'm').optimizer, {
      type: 'sgd',
      learningRate: sgd?.learningRate.default,
      momentum: sgd?.momentum?.default,
    });
  });

  it('gives a model without a training block (ONNX, TensorFlow.js) the same defaults, and no data', () => {
    const spec = resolveTraining(undefined, 'm');
    assert.equal(spec.data, undefined);
    assert.deepEqual({ ...spec, data: 'builtin:xor' }, resolveTraining({ data: 'builtin:xor' }, 'm'));
  });

  it('names a field the schema refuses', () => {
    assert.throws(
      () => resolveTraining({ data: 'builtin:xor', epochs: 0 }, 'm.nn.json'),
      /m\.nn\.json: training\.epochs/,
    );
    assert.throws(() => resolveTraining([], 'm.nn.json'), /"training" must be an object/);
  });
});
