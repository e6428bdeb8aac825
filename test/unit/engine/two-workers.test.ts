// Two-worker training (data-parallel over the rows of each batch) against one worker, the reference the
// product promises to match up to float rounding: the same per-epoch losses and accuracies and the same
// trained weights, with dropout on, odd batch sizes and a last batch of one row (split 1 / 0). A run with
// another seed shows how far apart different masks and orders put the numbers. Also: a thread that dies
// mid-run makes the call reject (no hang), cancelling stops both threads at the same step, and what
// cannot be split (batch norm, Gaussian dropout) trains on one worker with the reason stated.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { synthetic } from '../../../src/core/data/synthetic';
import { modelData } from '../../../src/core/data/node-data';
import { trainPlan, type RunReport } from '../../../src/core/engine/train/session';
import { AS_IS } from '../../../src/core/engine/train/run-plan';
import { initialNetwork } from '../../../src/core/engine/train/session';
import { trainTwoWorkers, twoWorkerBlocker } from '../../../src/core/engine/train/two-workers';
import type { TrainHooks } from '../../../src/core/engine/train/train';
import type { Dataset } from '../../../src/core/data/dataset';
import { openModel } from '../../../src/core/formats/detect';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { readNnJson } from '../../../src/core/formats/nnjson/reader';
import type { Graph } from '../../../src/core/model/ir';
import { trainingSpec, type TrainingSpec } from '../../../src/core/model/training-spec';
import { DEFAULT_SIZE_LIMIT } from '../../../src/core/io/size-limit';

/**
 * Measured on the digits MLP over 3 epochs: at most 9e-8 on the weights and 2e-8 on the losses (SIMD,
 * relaxed SIMD and JS kernels); different masks or order differ by 1e-2 and more.
 */
const TOL = 1e-6;

function sample(name: string): { graph: Graph; spec: TrainingSpec; data: Dataset } {
  const path = join('samples', name);
  const graph = openModel(nodeModelSource(path));
  const spec = trainingSpec(graph);
  const chosen = modelData(path, spec, DEFAULT_SIZE_LIMIT);
  if (!chosen) throw new Error(`${name}: no data`);
  return { graph, spec, data: chosen.data };
}

/** A 2-24-24-2 MLP with dropout on moons: `batchSize` and `n` pick the split of the last batch. */
function moons(batchSize: number, n: number, layers?: object[]) {
  const graph = readNnJson(
    JSON.stringify({
      format: 'dropout-lens/nn',
      version: 1,
      input: { shape: [2] },
      layers: layers ?? [
        { type: 'dense', units: 24, activation: 'relu' },
        { type: 'dropout', rate: 0.3 },
        { type: 'dense', units: 24, activation: 'relu' },
        { type: 'dropout', rate: 0.5 },
        { type: 'dense', units: 2, activation: 'softmax' },
      ],
      training: {
        data: 'builtin:moons',
        validationSplit: 0,
        epochs: 3,
        batchSize,
        optimizer: { type: 'adam', learningRate: 0.01 },
        seed: 4,
      },
    }),
  );
  return { graph, spec: trainingSpec(graph), data: synthetic('moons', { n, noise: 0.2, seed: 2 }) };
}

function run(m: { graph: Graph; spec: TrainingSpec; data: Dataset }, workers: 1 | 2, over = {}) {
  return trainPlan(m.graph, m.data, { ...m.spec, epochs: 3, workers, ...over }, AS_IS);
}

/** The largest relative difference between two runs' per-epoch figures and trained weights. */
function distance(a: RunReport, b: RunReport): number {
  const rel = (x: number | null, y: number | null) =>
    Math.abs((x ?? 0) - (y ?? 0)) / Math.max(1, Math.abs(y ?? 0));
  let worst = 0;
  a.epochs.forEach((e, i) => {
    const f = b.epochs[i];
    assert.ok(f);
    worst = Math.max(worst, rel(e.trainLoss, f.trainLoss), rel(e.valLoss, f.valLoss));
  });
  const wb = b.network.exportWeights();
  for (const [name, values] of Object.entries(a.network.exportWeights()))
    values.forEach((v, i) => (worst = Math.max(worst, rel(v, (wb[name] as number[])[i] as number))));
  return worst;
}

describe('two-worker training', () => {
  const cases = [
    {
      what: 'the digits MLP sample (batch 32: the last batch splits 15 / 14)',
      model: () => sample('digits-mlp.nn.json'),
    },
    { what: 'moons, batch 15 (8 / 7), last batch of 1 row (1 / 0)', model: () => moons(15, 15 * 16 + 1) },
  ];
  for (const c of cases)
    it(`trains ${c.what} as one worker does, up to float rounding`, async () => {
      const m = c.model();
      const one = await run(m, 1);
      const two = await run(m, 2);
      assert.equal(two.workers, 2);
      assert.equal(two.oneWorkerReason, undefined);
      assert.equal(two.epochs.length, 3);
      const d = distance(two, one);
      assert.ok(d <= TOL, `two workers vs one: ${d}`);
      two.epochs.forEach((e, i) => {
        const f = one.epochs[i];
        assert.ok(f && Math.abs(e.trainAcc - f.trainAcc) <= 1 / m.data.n && e.valAcc === f.valAcc);
      });
      // Other masks and order (another seed) move the numbers far more: the comparison can fail.
      const other = await run(m, 2, { seed: m.spec.seed + 1 });
      assert.ok(distance(other, one) > 1000 * TOL, `another seed: ${distance(other, one)}`);
      // And the weights moved from their initial values.
      const init = initialNetwork(m.graph, m.spec).network.exportWeights();
      assert.ok(distance({ ...one, network: { exportWeights: () => init } } as RunReport, one) > 1000 * TOL);
    });

  it('stops both threads at the same step when cancelled between steps', async () => {
    const m = moons(16, 400);
    const cancelAfter = (n: number): TrainHooks => {
      let checks = 0;
      return { isCancelled: () => ++checks > n };
    };
    const spec = { ...m.spec, epochs: 3 };
    const one = await trainPlan(m.graph, m.data, { ...spec, workers: 1 }, AS_IS, () => cancelAfter(30));
    const two = await trainPlan(m.graph, m.data, { ...spec, workers: 2 }, AS_IS, () => cancelAfter(30));
    assert.ok(one.cancelled && two.cancelled);
    assert.equal(two.epochs.length, 1); // 25 batches an epoch: cancelled in the second
    assert.ok(distance(two, one) <= TOL);
  });

  for (const fault of ['exit', 'throw'] as const)
    it(`rejects with the reason when the second thread ${fault === 'exit' ? 'exits' : 'throws'} mid-run`, async () => {
      const m = moons(16, 400);
      const { network, rng } = initialNetwork(m.graph, m.spec);
      const script = join(__dirname, 'replica-fault.js');
      process.env.DROPOUT_LENS_TEST_FAULT = fault;
      try {
        const options = { ...m.spec, loss: 'softmax-cross-entropy' as const, epochs: 50 };
        await assert.rejects(
          trainTwoWorkers(network, { train: m.data }, options, rng, {}, script),
          fault === 'exit'
            ? /the second training thread exited \(code 3\) before the run ended/
            : /the second training thread failed: injected fault/,
        );
      } finally {
        delete process.env.DROPOUT_LENS_TEST_FAULT;
      }
    });

  it('trains batch norm on one worker and says why (the digits CNN sample)', async () => {
    const m = sample('digits-cnn.nn.json');
    const report = await trainPlan(m.graph, m.data, { ...m.spec, epochs: 1, workers: 2 }, AS_IS);
    assert.equal(report.workers, 1);
    assert.match(report.oneWorkerReason ?? '', /batch norm normalises by the statistics of the whole batch/);
    const { network, rng } = initialNetwork(m.graph, m.spec);
    const options = { ...m.spec, loss: 'softmax-cross-entropy' as const };
    await assert.rejects(
      trainTwoWorkers(network, { train: m.data }, options, rng),
      /two workers: batch norm/,
    );
  });

  it('does not split Gaussian dropout or batches of one row', () => {
    const gaussian = moons(16, 100, [
      { type: 'dense', units: 8, activation: 'relu' },
      { type: 'gaussian-dropout', rate: 0.3 },
      { type: 'dense', units: 2, activation: 'softmax' },
    ]);
    const net = initialNetwork(gaussian.graph, gaussian.spec).network;
    assert.match(twoWorkerBlocker(net, 16) ?? '', /gaussian dropout draws its normals in pairs/);
    const plain = initialNetwork(moons(16, 100).graph, moons(16, 100).spec).network;
    assert.equal(twoWorkerBlocker(plain, 16), undefined);
    assert.match(twoWorkerBlocker(plain, 1) ?? '', /batches of one row/);
  });
});
