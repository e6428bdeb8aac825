// Training on two threads, data-parallel (data-parallel.ts): this thread and one worker thread
// (replica-thread.ts) each hold a replica of the network with the same weights, run their share of every
// batch, exchange gradients through shared memory and both take the merged step, so the result is one
// thread's up to float rounding. Each thread writes its gradients into the other's inbox (in the other's
// kernel memory) and the two meet once a step at a barrier. Inboxes alternate between two sets, so a
// thread writing step s + 1's gradients never overwrites step s's while the other may still read them
// (it writes that set again only after the next barrier, which the other passes after its merge). The
// barrier never waits for a thread that is gone: an error, exit or cancel on either side sets a shared
// abort flag.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Dataset } from '../../data/dataset';
import { Rng, type RngState } from '../../random/rng';
import { EngineError } from '../engine-error';
import { kernelsFor, kernelsLabel, type KernelChoice } from '../kernels/select';
import type { Param } from '../layers/layer';
import { Network } from '../network';
import type { LayerSpec } from '../../model/network-spec';
import type { Vec } from '../tensor';
import { mergeTwo, shareOf, type RowShare } from './data-parallel';
import type { WorkersChoice } from './workers-choice';
import { train, type BatchSplit, type TrainHooks, type TrainOptions, type TrainResult } from './train';

/** A thread's two sets of inboxes, param by param: shared memory (its WebAssembly kernels' own, or not). */
type Inboxes = { buffer: ArrayBufferLike; byteOffset: number; length: number }[][];

/** control[0], control[1]: steps each thread has reached; control[ABORT]: why the run stopped (0: it runs). */
const ABORT = 2;
const STOPPED = 1; // this thread's run ended (finished, cancelled or failed): the replica just leaves
const FAILED = 2; // the replica failed: this thread reports its error

/** What the worker thread gets (workerData): the network, the shared data and the run's state. */
export interface ReplicaSetup {
  inputShape: number[];
  specs: LayerSpec[];
  weights: Record<string, Float32Array>;
  kernels: KernelChoice;
  train: Dataset;
  options: TrainOptions;
  rng: RngState;
  control: Int32Array;
  /** Per set of inboxes and thread: its share's loss and correct count, for the whole batch's. */
  stats: Float64Array;
  inboxes: Inboxes;
}

/**
 * Why `net` cannot train split over two threads without a different result, or undefined when it can.
 * Batch norm is not split (its statistics over half a batch are not the batch's; exchanging them would
 * cost a third barrier per layer and step), nor are the dropouts that draw normals in pairs.
 */
export function twoWorkerBlocker(net: Network, batchSize: number): string | undefined {
  if (batchSize < 2) return 'batches of one row have nothing to split';
  if (net.dtype !== 'float32') return `the network computes in ${net.dtype}`;
  for (const spec of net.specs()) {
    if (spec.type === 'batchnorm')
      return 'batch norm normalises by the statistics of the whole batch, which half a batch does not have';
    if (spec.type === 'dropout' && (spec.variant === 'gaussian' || spec.variant === 'gaussian-noise'))
      return `${spec.variant} dropout draws its normals in pairs, which cannot be split between threads`;
  }
  return undefined;
}

/**
 * Multiply-adds a batch must cost before `auto` splits it: each step meets at a barrier, which
 * costs more than half of a small network's step (the digits MLP, 0.55 M a batch of 32, trains several
 * times slower on two threads); W1 (784-256-256-10, batch 64) costs 17 M.
 */
const AUTO_MIN_MACS = 8e6;

/**
 * The threads a run of `net` trains on: `auto` is two where the machine has two cores, the network can
 * be split and a batch (`multiplyAdds` a sample: multiplyAddsPerSample) is large enough to gain from it;
 * asking for two gets two (or one, with a reason: twoWorkerBlocker).
 */
export function workersFor(
  choice: WorkersChoice,
  net: Network,
  batchSize: number,
  multiplyAdds: number,
): 1 | 2 {
  if (choice !== 'auto') return choice;
  const worth = multiplyAdds * batchSize >= AUTO_MIN_MACS;
  return availableParallelism() >= 2 && worth && !twoWorkerBlocker(net, batchSize) ? 2 : 1;
}

/** `v` if it is in shared memory, else a copy of it there, so the other thread reads it in place. */
function shared<T extends Float32Array | Int32Array>(v: T): T {
  if (v.buffer instanceof SharedArrayBuffer) return v;
  const copy = new (v.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(v.byteLength));
  copy.set(v as never);
  return copy;
}

/** Atomics.waitAsync (ES2024; Node ≥ 16): the lib this project compiles against predates it. */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(a: Int32Array, i: number, v: number, ms: number): { async: boolean; value: unknown };
  }
).waitAsync;

/** Spins before sleeping, about 0.2 ms: the shares are balanced, so the other thread is usually close. */
const SPINS = 10_000;
/** Sleeps of 1 ms the main thread takes in place before it sleeps asynchronously. */
const SYNC_SLEEPS = 20;

/**
 * Thread `index`'s side of the exchange: its share of each batch, and the merge that waits for the other
 * thread's gradients. `failure` says why the run stopped when the abort flag is set.
 */
function exchange(
  net: Network,
  index: 0 | 1,
  setup: Pick<ReplicaSetup, 'control' | 'stats'>,
  failure: () => string,
) {
  const { control, stats } = setup;
  const other = 1 - index;
  // Where the kernels read them fastest: in their memory, which for the WebAssembly kernels is shared.
  const inboxes = [0, 1].map(() =>
    net.params.map((p) => shared(net.kernels.alloc('float32', p.grad.length) as Float32Array)),
  );
  let outboxes: Float32Array[][] = [];
  let step = 0;
  // After spinning, a thread sleeps in place (waking within microseconds of the other's arrival). The
  // main thread does so for SYNC_SLEEPS ms at most, then asynchronously, so that the worker's 'error' and
  // 'exit' events can set the abort flag; the worker thread has nothing else to do.
  const sleep = (seen: number, sleeps: number) =>
    index === 0 && sleeps > SYNC_SLEEPS
      ? waitAsync(control, other, seen, 1000).value
      : Atomics.wait(control, other, seen, 1);
  const barrier = async () => {
    Atomics.add(control, index, 1);
    Atomics.notify(control, index);
    const target = Atomics.load(control, index);
    for (let spins = 0; ; spins++) {
      const seen = Atomics.load(control, other);
      if (seen >= target) return;
      if (Atomics.load(control, ABORT) !== 0) throw new EngineError(failure());
      if (spins > SPINS) await sleep(seen, spins - SPINS);
    }
  };
  const split: BatchSplit = {
    share: (rows) => shareOf(rows, 2, index),
    async merge(params: Param[], share: RowShare, mine) {
      const set = step++ % 2;
      const outbox = outboxes[set] as Float32Array[];
      params.forEach((p, i) => (outbox[i] as Float32Array).set(p.grad));
      const at = 4 * set;
      stats[at + 2 * index] = mine.loss;
      stats[at + 2 * index + 1] = mine.correct;
      await barrier();
      const rows = [shareOf(share.total, 2, 0).rows, shareOf(share.total, 2, 1).rows] as const;
      // A share of no rows has no loss (0 / 0): only the shares with rows count. Both threads evaluate
      // the same expressions in the same order, so the replicas stay equal bit for bit.
      const [l0, l1] = [
        rows[0] > 0 ? rows[0] * (stats[at] as number) : 0,
        rows[1] > 0 ? rows[1] * (stats[at + 2] as number) : 0,
      ];
      const correct = (stats[at + 1] as number) + (stats[at + 3] as number);
      mergeTwo(net.kernels, params, inboxes[set] as Vec[], index, rows);
      return { loss: (l0 + l1) / share.total, correct };
    },
  };
  return {
    split,
    inboxes: inboxes.map((set) =>
      set.map((v) => ({ buffer: v.buffer, byteOffset: v.byteOffset, length: v.length })),
    ) as Inboxes,
    /** The other thread's inboxes, where this thread writes its gradients. */
    connect(theirs: Inboxes) {
      outboxes = theirs.map((set) => set.map((v) => new Float32Array(v.buffer, v.byteOffset, v.length)));
    },
  };
}

/** Sets the abort flag (the first reason stays) and wakes a thread sleeping at the barrier. */
function abort(control: Int32Array, reason: number): void {
  Atomics.compareExchange(control, ABORT, 0, reason);
  Atomics.notify(control, 0);
  Atomics.notify(control, 1);
}

/** The worker thread's entry script: beside this module in out/, beside every bundle in dist/. */
export const REPLICA_SCRIPT = join(__dirname, 'replica-thread.js');

/**
 * `train` on two threads: takes the same arguments and gives the same result, up to float rounding
 * (check `twoWorkerBlocker` first). Hooks run on this thread, which also validates after each epoch.
 */
export async function trainTwoWorkers(
  net: Network,
  data: { train: Dataset; val?: Dataset },
  options: TrainOptions,
  rng: Rng,
  hooks: TrainHooks = {},
  script = REPLICA_SCRIPT,
): Promise<TrainResult> {
  const blocker = twoWorkerBlocker(net, options.batchSize);
  if (blocker) throw new EngineError(`two workers: ${blocker}`);
  const control = new Int32Array(new SharedArrayBuffer(3 * 4));
  const stats = new Float64Array(new SharedArrayBuffer(8 * 8));
  let failure: string | undefined;
  const mine = exchange(net, 0, { control, stats }, () => failure ?? 'the second training thread stopped');
  const trainData = { ...data.train, x: shared(data.train.x), y: shared(data.train.y) };
  const setup: ReplicaSetup = {
    inputShape: net.inputShape,
    specs: net.specs(),
    weights: Object.fromEntries(net.tensors().map((t) => [t.name, Float32Array.from(t.value)])),
    kernels: kernelsLabel(net.kernels),
    train: trainData,
    options,
    rng: rng.snapshot(),
    control,
    stats,
    inboxes: mine.inboxes,
  };
  const worker = new Worker(script, { workerData: setup });
  // The first event says why: an error is followed by an exit.
  const fail = (why: string) => {
    failure ??= `the second training thread ${why}`;
    abort(control, FAILED);
    return new EngineError(failure);
  };
  let done = false;
  const failed = new Promise<never>((_, reject) => {
    worker.on('error', (e) => reject(fail(`failed: ${e.message}`)));
    worker.on('exit', (code) => {
      if (!done) reject(fail(`exited (code ${code}) before the run ended`));
    });
  });
  failed.catch(() => undefined); // read through `failure` or the race below
  try {
    const message = new Promise<Inboxes>((resolve) => worker.once('message', resolve));
    mine.connect(await Promise.race([message, failed]));
    return await train(net, { ...data, train: trainData }, options, rng, hooks, mine.split);
  } finally {
    done = true;
    abort(control, STOPPED);
    await worker.terminate();
    // Only now may this thread's inboxes (kernel memory the other thread wrote into until it stopped) be
    // collected and their memory reused: `mine` keeps them reachable until here.
    mine.connect([]);
  }
}

/** The worker thread's side (replica-thread.ts): builds the replica and runs its share of every batch. */
export async function runReplica(setup: ReplicaSetup, post: (inboxes: Inboxes) => void): Promise<void> {
  const net = new Network(setup.inputShape, setup.specs, { kernels: kernelsFor(setup.kernels) });
  net.importWeights(setup.weights);
  const mine = exchange(net, 1, setup, () => 'the run ended');
  mine.connect(setup.inboxes);
  post(mine.inboxes);
  try {
    await train(net, { train: setup.train }, setup.options, Rng.resume(setup.rng), {}, mine.split);
  } catch (e) {
    // The main thread ended the run (finished, cancelled or failed): nothing to report.
    if (Atomics.load(setup.control, ABORT) === STOPPED) return;
    throw e;
  }
}
