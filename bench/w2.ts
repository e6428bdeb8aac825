// W2: MLP 2-64-64-2 with Dropout(0.2), two moons (n = 1000), batch 32, 100 epochs (peer kit contract).
import { w2Data } from './data';
import { runMlpWorkload } from './mlp-workload';

export function runW2(args: { epochs?: number } = {}): Record<string, unknown> {
  const data = w2Data();
  return runMlpWorkload({
    workload: 'w2',
    ...data,
    sizes: [2, 64, 64, 2],
    rate: 0.2,
    batch: 32,
    epochs: args.epochs ?? 100,
  });
}
