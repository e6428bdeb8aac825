// Hints from curves: each fires on the curve shape it describes and stays quiet otherwise.
import * as assert from 'node:assert/strict';
import { deriveHints, type HintRun } from '../../../src/core/engine/train/hints';
import type { EpochMetrics } from '../../../src/core/engine/train/train';

/** Epochs whose accuracies move linearly to the given final values; losses fall unless `valLoss` says. */
function curve(trainAcc: number, valAcc: number, n = 10, valLoss?: (e: number) => number): EpochMetrics[] {
  return Array.from({ length: n }, (_, i) => ({
    epoch: i + 1,
    trainLoss: 2 / (i + 1),
    trainAcc: trainAcc * ((i + 1) / n),
    valLoss: valLoss ? valLoss(i) : 2.1 / (i + 1),
    valAcc: valAcc * ((i + 1) / n),
  }));
}

const adam = { type: 'adam' as const, learningRate: 0.001 };
const run = (
  name: string,
  maxRate: number,
  epochs: EpochMetrics[],
  extra: Partial<HintRun> = {},
): HintRun => ({
  name,
  maxRate,
  epochs,
  optimizer: adam,
  ...extra,
});

describe('training-time hints', () => {
  it('underfitting with dropout: train ≈ validation and another run does better', () => {
    const hints = deriveHints([run('rate 0.5', 0.5, curve(0.9, 0.91)), run('rate 0', 0, curve(0.99, 0.97))]);
    assert.deepEqual(
      hints.map((h) => [h.kind, h.run]),
      [['underfitting-with-dropout', 'rate 0.5']],
    );
    assert.match(hints[0]?.message ?? '', /91\.0%.*97\.0%.*early dropout, Liu et al\. 2023/);
  });

  it('underfitting with dropout: train ≈ validation, both below 90%, even alone', () => {
    const hints = deriveHints([run('dropout', 0.5, curve(0.7, 0.71))]);
    assert.deepEqual(
      hints.map((h) => h.kind),
      ['underfitting-with-dropout'],
    );
  });

  it('overfitting without dropout: a train − validation gap of 5 points or more', () => {
    const hints = deriveHints([run('dropout', 0.3, curve(0.97, 0.96)), run('no-dropout', 0, curve(1, 0.93))]);
    assert.deepEqual(
      hints.map((h) => [h.kind, h.run]),
      [['overfitting-without-dropout', 'no-dropout']],
    );
    assert.match(hints[0]?.message ?? '', /100\.0% against validation 93\.0%.*late dropout/);
  });

  it('overfitting without dropout: the validation loss turns up while the training loss falls', () => {
    const valLoss = (e: number) => (e < 4 ? 1 - 0.2 * e : 0.2 + 0.1 * (e - 4));
    const hints = deriveHints([run('no-dropout', 0, curve(0.97, 0.95, 10, valLoss))]);
    assert.deepEqual(
      hints.map((h) => h.kind),
      ['overfitting-without-dropout'],
    );
    assert.match(hints[0]?.message ?? '', /validation loss climbs again/);
  });

  it('large learning rate with dropout and no max-norm; quiet with max-norm or a small rate', () => {
    const fast = { type: 'sgd' as const, learningRate: 0.5 };
    const fits = curve(0.99, 0.975);
    assert.deepEqual(
      deriveHints([run('d', 0.5, fits, { optimizer: fast })]).map((h) => h.kind),
      ['large-lr-without-max-norm'],
    );
    assert.deepEqual(deriveHints([run('d', 0.5, fits, { optimizer: fast, maxNorm: 3 })]), []);
    assert.deepEqual(deriveHints([run('d', 0.5, fits)]), []);
  });

  it('says nothing about a run without validation data', () => {
    const epochs = curve(0.5, 0.5).map((e) => ({ ...e, valAcc: null, valLoss: null }));
    assert.deepEqual(deriveHints([run('d', 0.5, epochs)]), []);
  });
});
