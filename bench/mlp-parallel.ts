// W1/W2 on two workers, data-parallel: this thread and a worker thread (mlp-worker.ts) each hold a replica
// of the network and run half the rows of every batch; after each backward pass the two exchange their
// gradients through shared memory and both take the merged step (data-parallel.ts), so the replicas stay
// equal. The data set is shared, not copied per thread. Every step meets twice at a barrier: once when
// both gradients are ready, once when both have been copied (after which the next backward may
// overwrite them).
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Param } from '../src/core/engine/layers/layer';
import { mergeTwo, shareOf } from '../src/core/engine/train/data-parallel';
import type { Vec } from '../src/core/engine/tensor';
import { UsageError } from '../src/cli/io';
import { mlpReplica, mlpReport, mlpSteps, type MlpWorkload } from './mlp-workload';

/** Where a replica's gradients live: views into its thread's WebAssembly memory (a SharedArrayBuffer). */
type GradViews = { buffer: ArrayBufferLike; byteOffset: number; length: number }[];

/** What the worker thread gets: the workload over shared data, and the barrier's counters. */
export interface MlpWorkerData {
  w: MlpWorkload;
  control: Int32Array;
  grads: GradViews;
}

/** Thread `index`'s side of the two-replica run: its replica, with the gradient exchange as its merge. */
export function replicaOf(w: MlpWorkload, index: 0 | 1, control: Int32Array) {
  const me = index;
  const other = 1 - index;
  let theirs: Float32Array[] = [];
  let copies: Vec[] = [];
  let batchRows = 0;
  const barrier = () => {
    Atomics.add(control, me, 1);
    Atomics.notify(control, me);
    const target = Atomics.load(control, me);
    for (let spins = 0; ; spins++) {
      const seen = Atomics.load(control, other);
      if (seen >= target) return;
      // Spin first, about 0.2 ms at most (the halves are balanced, so the other thread is usually
      // close), then sleep until notified. Sleeping after a few microseconds left each thread waiting
      // for the scheduler to wake it at every step: the two ran one after the other.
      if (spins > 10_000) Atomics.wait(control, other, seen, 5);
    }
  };
  const merge = (params: Param[]) => {
    params.forEach((p, i) => outbox[i]?.set(p.grad));
    barrier();
    params.forEach((_, i) => (copies[i] as Float32Array).set(theirs[i] as Float32Array));
    barrier();
    const rows = [shareOf(batchRows, 2, 0).rows, shareOf(batchRows, 2, 1).rows] as const;
    mergeTwo(replica.net.kernels, params, copies, index, rows);
  };
  const replica = mlpReplica(w, merge);
  // Gradients in the WebAssembly kernels' shared memory are read where they are; the JS kernels' are
  // copied into shared memory first.
  const outbox = replica.net.params.map((p) =>
    p.grad.buffer instanceof SharedArrayBuffer ? undefined : shared(p.grad as Float32Array),
  );
  const grads: GradViews = replica.net.params.map((p, i) => {
    const v = outbox[i] ?? p.grad;
    return { buffer: v.buffer, byteOffset: v.byteOffset, length: v.length };
  });
  return {
    replica,
    grads,
    /** Views of the other replica's gradients; copies of them live in this thread's kernel memory. */
    connect(views: GradViews) {
      theirs = views.map((v) => new Float32Array(v.buffer, v.byteOffset, v.length));
      copies = replica.net.params.map((p) => replica.net.kernels.alloc('float32', p.grad.length));
    },
    run: () =>
      mlpSteps(w, replica, (rows) => {
        batchRows = rows;
        return shareOf(rows, 2, index);
      }),
  };
}

/** A copy of `v` in shared memory, so the worker thread reads the same data without its own copy. */
function shared<T extends Float32Array | Int32Array>(v: T): T {
  const copy = new (v.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(v.byteLength));
  copy.set(v as never);
  return copy;
}

/** What the worker reports when its steps are done: its last loss and its replica's trained weights. */
export interface MlpWorkerDone {
  loss: number;
  weights: Float32Array[];
}

/**
 * Trains `w` on two threads. Returns this thread's replica, its timing, the whole batch's last loss
 * (the two halves' losses weighted by their rows) and the worker's replica's weights.
 */
export async function trainTwoWorkers(w: MlpWorkload) {
  const script = join(__dirname, 'mlp-worker.js');
  // The CLI bundle has no separate worker script; the per-file build (out/bench) has.
  if (!existsSync(script))
    throw new UsageError(`${w.workload}: --workers 2 runs from the build in out/ (node bench/product.mjs)`);
  const data: MlpWorkload = { ...w, x: shared(w.x), y: shared(w.y) };
  const control = new Int32Array(new SharedArrayBuffer(8));
  const mine = replicaOf(data, 0, control);
  const worker = new Worker(script, {
    workerData: { w: data, control, grads: mine.grads } satisfies MlpWorkerData,
  });
  try {
    const [theirs] = (await once(worker, 'message')) as [GradViews];
    mine.connect(theirs);
    worker.postMessage('start');
    const run = mine.run();
    const [done] = (await once(worker, 'message')) as [MlpWorkerDone];
    const last = w.n % w.batch || w.batch;
    const [r0, r1] = [shareOf(last, 2, 0).rows, shareOf(last, 2, 1).rows];
    // A share of no rows has no loss (0 / 0): only the shares with rows count.
    const loss = ((r0 > 0 ? r0 * run.loss : 0) + (r1 > 0 ? r1 * done.loss : 0)) / last;
    return { replica: mine.replica, run: { ...run, loss }, theirs: done.weights };
  } finally {
    await worker.terminate();
  }
}

export async function runMlpTwoWorkers(w: MlpWorkload): Promise<Record<string, unknown>> {
  const { replica, run } = await trainTwoWorkers(w);
  return mlpReport(w, replica.net, replica.trainer, run, 2);
}
