// W1/W2 on two workers, data-parallel, through the product's two-worker training (two-workers.ts): this
// thread and a worker thread each run half of every batch and take the merged step. A warm-up run on the
// first 10 batches comes first, as in the one-worker harness; the timed run includes starting the second
// thread, as every product run does.
import type { Dataset } from '../src/core/data/dataset';
import { trainTwoWorkers } from '../src/core/engine/train/two-workers';
import type { TrainOptions } from '../src/core/engine/train/train';
import { mlpReplica, mlpReport, type MlpWorkload } from './mlp-workload';

/** The workload's batches in order, without shuffling, on two threads; returns the trained replica. */
async function timedRun(w: MlpWorkload, n: number, epochs: number) {
  const replica = mlpReplica(w);
  const train: Dataset = {
    x: w.x.subarray(0, n * w.d),
    y: w.y.subarray(0, n),
    n,
    shape: [w.d],
    classes: w.sizes.at(-1) as number,
  };
  const options: TrainOptions = {
    epochs,
    batchSize: w.batch,
    optimizer: { type: 'adam', learningRate: 1e-3 },
    shuffle: false,
  };
  let loss = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await trainTwoWorkers(replica.net, { train }, options, replica.rng, {
    onEpoch: (m) => (loss = m.trainLoss),
  });
  const run = { seconds: (performance.now() - t0) / 1000, cpu: process.cpuUsage(cpu0), loss };
  return { replica, run };
}

export async function runMlpTwoWorkers(w: MlpWorkload): Promise<Record<string, unknown>> {
  await timedRun(w, Math.min(w.n, 10 * w.batch), 1);
  const { replica, run } = await timedRun(w, w.n, w.epochs);
  return mlpReport(w, replica.net, replica.trainer, run, 2);
}
