// W1: MLP 784-256-256-10 with Dropout(0.5), 60,000 samples, batch 64, one epoch (peer kit contract).
// `workers: 2` runs it data-parallel on two threads (mlp-parallel.ts).
import { w1Data } from './data';
import { runMlpTwoWorkers } from './mlp-parallel';
import { runMlpWorkload, type MlpWorkload } from './mlp-workload';

export function runW1(args: { epochs?: number; samples?: number; workers?: number } = {}) {
  const data = w1Data();
  const w: MlpWorkload = {
    workload: 'w1',
    ...data,
    n: args.samples ?? data.n,
    sizes: [784, 256, 256, 10],
    rate: 0.5,
    batch: 64,
    epochs: args.epochs ?? 1,
  };
  return args.workers === 2 ? runMlpTwoWorkers(w) : runMlpWorkload(w);
}
