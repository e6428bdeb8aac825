// Per-layer dropout schedules (Liu et al., ICML 2023) against independent references, exactly: the engine
// is deterministic, and a layer that is off draws no masks, so the shuffling and the other layers' masks
// are what they would be without it.
//   - before its switch epoch E, an early layer trains bit for bit like always-on dropout, a late layer
//     like the same network with the layer removed (same seed);
//   - after E, an early layer trains like the network without it, continued from the early run's weights
//     at E (plain SGD keeps no state besides the weights, so the continuation is exact).
import * as assert from 'node:assert/strict';
import { synthetic } from '../../../src/core/data/synthetic';
import type { EpochMetrics } from '../../../src/core/engine/train/train';
import { trainPlan, type RunContext } from '../../../src/core/engine/train/session';
import { readNnJson } from '../../../src/core/formats/nnjson/reader';
import type { RunPlan } from '../../../src/core/engine/train/run-plan';
import type { Graph } from '../../../src/core/model/ir';
import { trainingSpec, type TrainingSpec } from '../../../src/core/model/training-spec';

const EPOCHS = 8;
const data = synthetic('moons', { n: 240, noise: 0.2, seed: 3 });

/** A 2-16-16-2 network; `a` and `b` are the two dropout layers (null leaves one out). */
function model(a: object | null, b: object | null): Graph {
  const layers = [
    { type: 'dense', name: 'h1', units: 16, activation: 'relu' },
    ...(a ? [{ type: 'dropout', name: 'a', ...a }] : []),
    { type: 'dense', name: 'h2', units: 16, activation: 'relu' },
    ...(b ? [{ type: 'dropout', name: 'b', ...b }] : []),
    { type: 'dense', name: 'out', units: 2, activation: 'softmax' },
  ];
  const training = {
    data: 'builtin:moons',
    epochs: EPOCHS,
    batchSize: 16,
    optimizer: { type: 'sgd', learningRate: 0.1 },
    seed: 5,
  };
  return readNnJson(
    JSON.stringify({ format: 'dropout-lens/nn', version: 1, input: { shape: [2] }, layers, training }),
  );
}

const ON = { rate: 0.3 };
const early = (epoch: number) => ({ rate: 0.3, schedule: { kind: 'early', epoch } });
const late = (epoch: number) => ({ rate: 0.3, schedule: { kind: 'late', epoch } });

interface Run {
  epochs: EpochMetrics[];
  /** The weights after each epoch (1-based, like EpochMetrics.epoch). */
  weights: Map<number, Record<string, number[]>>;
}

/**
 * Trains `graph` as the panel's "as is" run. `restart` replaces the weights after epoch `at` (so the
 * run continues from another run's checkpoint).
 */
async function train(
  graph: Graph,
  restart?: { at: number; weights: Record<string, number[]> },
): Promise<Run> {
  const spec: TrainingSpec = trainingSpec(graph);
  const weights = new Map<number, Record<string, number[]>>();
  const plan: RunPlan = { name: 'dropout' };
  const hooks = ({ network }: RunContext) => ({
    onEpoch: (m: EpochMetrics) => {
      // Dropout layers own no weights, so networks with and without them share every tensor name.
      if (restart && m.epoch === restart.at) network.importWeights(restart.weights);
      weights.set(m.epoch, network.exportWeights());
    },
  });
  const report = await trainPlan(graph, data, spec, plan, hooks);
  return { epochs: report.epochs, weights };
}

/** The weights of `run` after `epoch`, to continue from. */
function checkpoint(run: Run, epoch: number): { at: number; weights: Record<string, number[]> } {
  const weights = run.weights.get(epoch);
  if (!weights) throw new Error(`no weights after epoch ${epoch}`);
  return { at: epoch, weights };
}

const losses = (r: Run, from: number, to: number) =>
  r.epochs.filter((e) => e.epoch >= from && e.epoch <= to).map((e) => [e.trainLoss, e.valLoss]);

describe('per-layer dropout schedules (exact references, same seed)', () => {
  it('early: like always-on dropout up to its epoch, like no dropout after it', async () => {
    const E = 3;
    const scheduled = await train(model(early(E), null));
    const always = await train(model(ON, null));
    assert.deepEqual(losses(scheduled, 1, E), losses(always, 1, E));
    const after = await train(model(null, null), checkpoint(scheduled, E));
    assert.deepEqual(losses(scheduled, E + 1, EPOCHS), losses(after, E + 1, EPOCHS));
    // And the schedule did switch the layer off: always-on dropout goes on differently.
    assert.notDeepEqual(losses(scheduled, E + 1, EPOCHS), losses(always, E + 1, EPOCHS));
  });

  it('late: like no dropout up to its epoch, then dropout is on', async () => {
    const E = 4;
    const scheduled = await train(model(late(E), null));
    const none = await train(model(null, null));
    assert.deepEqual(losses(scheduled, 1, E), losses(none, 1, E));
    // From the same weights at E, the layer makes the difference: without it the run goes on otherwise.
    const without = await train(model(null, null), checkpoint(scheduled, E));
    for (const [i, [loss]] of losses(scheduled, E + 1, EPOCHS).entries())
      assert.notEqual(loss, losses(without, E + 1, EPOCHS)[i]?.[0], `epoch ${E + 1 + i}`);
  });

  it('two layers on different schedules each follow their own', async () => {
    // a: on in epochs 1-2; b: on from epoch 6. Epochs 3-5 have no dropout at all.
    const scheduled = await train(model(early(2), late(5)));
    const onlyA = await train(model(ON, null));
    assert.deepEqual(losses(scheduled, 1, 2), losses(onlyA, 1, 2));
    const none = await train(model(null, null), checkpoint(scheduled, 2));
    assert.deepEqual(losses(scheduled, 3, 5), losses(none, 3, 5));
    const without = await train(model(null, null), checkpoint(scheduled, 5));
    assert.notDeepEqual(losses(scheduled, 6, EPOCHS), losses(without, 6, EPOCHS));
  });
});
