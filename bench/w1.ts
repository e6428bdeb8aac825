// W1: MLP 784-256-256-10 with Dropout(0.5), 60,000 samples, batch 64, one epoch (peer kit contract).
import { w1Data } from './data';
import { runMlpWorkload } from './mlp-workload';

export function runW1(args: { epochs?: number; samples?: number } = {}): Record<string, unknown> {
  const data = w1Data();
  const n = args.samples ?? data.n;
  return runMlpWorkload({
    workload: 'w1',
    ...data,
    n,
    sizes: [784, 256, 256, 10],
    rate: 0.5,
    batch: 64,
    epochs: args.epochs ?? 1,
  });
}
