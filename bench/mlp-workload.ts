// Shared timing harness of W1/W2: Adam (lr 1e-3), batches in order without shuffling (last partial batch
// included), 10 warm-up steps on the first 10 batches, then the timed epochs. Field names as the peer kit.
// Two workers (mlp-parallel.ts) run the product's two-worker training on the same network and batches.
import { kernelsLabel } from '../src/core/engine/kernels/select';
import { Network } from '../src/core/engine/network';
import type { LayerSpec } from '../src/core/model/network-spec';
import { Rng } from '../src/core/random/rng';
import { Trainer, evaluate } from '../src/core/engine/train/train';

export interface MlpWorkload {
  workload: string;
  x: Float32Array;
  y: Int32Array;
  n: number;
  d: number;
  sizes: number[];
  rate: number;
  batch: number;
  epochs: number;
}

/** Dense→ReLU→Dropout(rate) per hidden layer, a plain dense output layer (the kit's MLPs). */
export function mlpSpecs(sizes: number[], rate: number): LayerSpec[] {
  return sizes.slice(1).flatMap<LayerSpec>((units, i, rest) =>
    i === rest.length - 1
      ? [{ type: 'dense' as const, name: `fc${i + 1}`, units }]
      : [
          { type: 'dense' as const, name: `fc${i + 1}`, units, init: 'he-normal' as const },
          { type: 'activation' as const, name: `relu${i + 1}`, activation: 'relu' as const },
          { type: 'dropout' as const, name: `drop${i + 1}`, variant: 'standard' as const, rate },
        ],
  );
}

/** One replica of the workload's network and trainer (every replica starts from the same weights). */
export function mlpReplica(w: Omit<MlpWorkload, 'x' | 'y'>) {
  const net = new Network([w.d], mlpSpecs(w.sizes, w.rate));
  const rng = new Rng(1);
  net.init(rng.fork());
  const trainer = new Trainer(net, { optimizer: { type: 'adam', learningRate: 1e-3 } });
  return { net, rng, trainer };
}

/**
 * The workload's steps on a replica: 10 warm-up steps, then `epochs` timed epochs. Returns the timed
 * seconds, CPU and last loss.
 */
export function mlpSteps(w: MlpWorkload, replica: ReturnType<typeof mlpReplica>) {
  const ctx = { training: true, rng: replica.rng };
  const step = (at: number, rows: number) => {
    const x = { data: w.x.subarray(at * w.d, (at + rows) * w.d), shape: [rows, w.d] };
    return replica.trainer.step(x, w.y.subarray(at, at + rows), ctx).loss;
  };
  for (let s = 0; s < 10; s++) step(s * w.batch, w.batch);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let loss = 0;
  for (let e = 0; e < w.epochs; e++)
    for (let s = 0; s < w.n; s += w.batch) loss = step(s, Math.min(w.batch, w.n - s));
  return { seconds: (performance.now() - t0) / 1000, cpu: process.cpuUsage(cpu0), loss };
}

export function runMlpWorkload(w: MlpWorkload): Record<string, unknown> {
  const replica = mlpReplica(w);
  return mlpReport(w, replica.net, replica.trainer, mlpSteps(w, replica), 1);
}

/** The kit's fields for a run of `threads` threads, with the accuracy of the trained replica `net`. */
export function mlpReport(
  w: MlpWorkload,
  net: Network,
  trainer: Trainer,
  run: ReturnType<typeof mlpSteps>,
  threads: number,
): Record<string, unknown> {
  const { seconds, cpu, loss } = run;
  return {
    peer: 'dropout-lens',
    node: process.version,
    workload: w.workload,
    threads,
    kernels: kernelsLabel(net.kernels),
    samples: w.epochs * w.n,
    seconds,
    samples_per_s: (w.epochs * w.n) / seconds,
    cpu_per_wall: (cpu.user + cpu.system) / 1e6 / seconds,
    final_loss: loss,
    train_acc: evaluate(trainer, {
      x: w.x.subarray(0, w.n * w.d),
      y: w.y.subarray(0, w.n),
      n: w.n,
      shape: [w.d],
      classes: w.sizes.at(-1) as number,
    }).acc,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
  };
}
