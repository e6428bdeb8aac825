// The training loop: seeded initialisation, shuffling and dropout masks from one seed; mini-batches;
// per-epoch metrics on the training data (as seen during training, dropout on) and the validation data
// (dropout off); progress on a timer inside long epochs; cancellation checked between batches.
import type { Dataset } from '../../data/dataset';
import { scheduledOn } from '../layers/dropout';
import type { Kernels } from '../kernels/kernels';
import type { RowShare } from './data-parallel';
import { EngineError } from '../engine-error';
import type { ForwardContext, Param } from '../layers/layer';
import type { LossKind } from '../build';
import { countCorrect, meanSquaredError, softmaxCrossEntropy } from './losses';
import type { Network } from '../network';
import { Adam, Sgd, applyMaxNorm, type Optimizer } from './optimizers';
import { Rng, shuffle } from '../../random/rng';
import { Workspace, sizeOf, type Tensor } from '../tensor';

export type OptimizerSpec =
  | { type: 'sgd'; learningRate: number; momentum?: number; nesterov?: boolean }
  | { type: 'adam'; learningRate?: number; beta1?: number; beta2?: number; epsilon?: number };

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  optimizer: OptimizerSpec;
  /** Coupled L2 weight decay on weights (not biases or normalisation parameters). */
  l2?: number;
  /** Max-norm constraint on each unit's incoming weights, applied after every step. */
  maxNorm?: number;
  loss?: LossKind;
  /** Shuffle the training rows every epoch (seeded). Default true. */
  shuffle?: boolean;
  /** Minimum milliseconds between batch progress reports inside an epoch. Default 50. */
  progressIntervalMs?: number;
}

export interface EpochMetrics {
  epoch: number;
  trainLoss: number;
  trainAcc: number;
  valLoss: number | null;
  valAcc: number | null;
}

export interface TrainHooks {
  onEpoch?(metrics: EpochMetrics): void;
  onProgress?(progress: { epoch: number; batch: number; batches: number }): void;
  isCancelled?(): boolean;
  /** Awaited between batches; the worker uses it to give the event loop a turn. */
  pause?(): Promise<void> | void;
}

/** A batch's mean loss and its number of correct predictions. */
export interface StepResult {
  loss: number;
  correct: number;
}

/**
 * Data-parallel training (two-workers.ts): which rows of each batch this thread runs, and how its share's
 * gradients and loss become the whole batch's, the same in every thread, before the optimizer step.
 */
export interface BatchSplit {
  share(rows: number): RowShare;
  merge(params: Param[], share: RowShare, mine: StepResult): Promise<StepResult>;
}

export interface TrainResult {
  epochs: EpochMetrics[];
  cancelled: boolean;
}

export function createOptimizer(spec: OptimizerSpec, l2 = 0, kernels?: Kernels): Optimizer {
  if (spec.type === 'sgd')
    return new Sgd({
      lr: spec.learningRate,
      momentum: spec.momentum ?? 0,
      nesterov: spec.nesterov ?? false,
      weightDecay: l2,
    });
  if (spec.type === 'adam')
    return new Adam(
      {
        lr: spec.learningRate,
        beta1: spec.beta1,
        beta2: spec.beta2,
        eps: spec.epsilon,
        weightDecay: l2,
      },
      kernels,
    );
  throw new EngineError(`optimizer "${(spec as { type: string }).type}" is not supported (sgd, adam)`);
}

/** One network, one optimizer, and the buffers a step needs. */
export class Trainer {
  private readonly ws: Workspace;
  private readonly optimizer: Optimizer;

  constructor(
    readonly net: Network,
    private readonly options: Pick<TrainOptions, 'optimizer' | 'l2' | 'maxNorm' | 'loss'>,
  ) {
    this.ws = new Workspace(net.dtype, net.kernels);
    this.optimizer = createOptimizer(options.optimizer, options.l2 ?? 0, net.kernels);
  }

  /** Loss and correct count of a batch; in training mode also a gradient step. */
  step(x: Tensor, labels: Int32Array, ctx: ForwardContext): StepResult {
    const r = this.gradients(x, labels, ctx);
    if (ctx.training) this.update();
    return r;
  }

  /** Loss and correct count of a batch; in training mode the gradients are left in the parameters. */
  gradients(x: Tensor, labels: Int32Array, ctx: ForwardContext): StepResult {
    const training = ctx.training;
    const out = this.net.forward(x, ctx);
    const rows = x.shape[0] as number;
    const classes = sizeOf(out.shape) / rows;
    const grad = training ? this.ws.tensor('grad', out.shape) : undefined;
    let loss: number;
    if ((this.options.loss ?? 'softmax-cross-entropy') === 'mse') {
      const target = this.ws.tensor('target', out.shape);
      target.data.fill(0);
      for (let r = 0; r < rows; r++) target.data[r * classes + (labels[r] as number)] = 1;
      loss = meanSquaredError(out.data, target.data, out.data.length, grad?.data);
    } else {
      loss = softmaxCrossEntropy(out.data, labels, rows, classes, grad?.data);
    }
    const correct = countCorrect(out.data, labels, rows, classes);
    if (grad) this.net.backward(grad);
    return { loss, correct };
  }

  /** The optimizer step from the gradients in the parameters, then the max-norm constraint. */
  update(): void {
    this.optimizer.step(this.net.params);
    if (this.options.maxNorm !== undefined) applyMaxNorm(this.net.params, this.options.maxNorm);
  }
}

/** Iterates batches of `data` in `order`, copying rows into reused buffers. */
class Batches {
  private readonly ws: Workspace;
  private readonly labels = new Map<number, Int32Array>();
  constructor(
    private readonly data: Dataset,
    private readonly batchSize: number,
    kernels: Kernels,
  ) {
    this.ws = new Workspace('float32', kernels);
  }

  get count(): number {
    return Math.ceil(this.data.n / this.batchSize);
  }

  /** The rows of batch `b`. */
  rowsOf(b: number): number {
    return Math.min(this.batchSize, this.data.n - b * this.batchSize);
  }

  /** Batch `b`, or only the rows of `share` of it. */
  get(b: number, order: Int32Array, share?: RowShare): { x: Tensor; y: Int32Array } {
    const start = b * this.batchSize + (share?.offset ?? 0);
    const rows = share ? share.rows : this.rowsOf(b);
    const d = this.data.x.length / this.data.n;
    const x = this.ws.tensor('x', [rows, ...this.data.shape]);
    let y = this.labels.get(rows);
    if (!y) this.labels.set(rows, (y = new Int32Array(rows)));
    for (let i = 0; i < rows; i++) {
      const r = order[start + i] as number;
      x.data.set(this.data.x.subarray(r * d, (r + 1) * d), i * d);
      y[i] = this.data.y[r] as number;
    }
    return { x, y };
  }
}

const identity = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

/** Mean loss and accuracy in inference mode (`rng` only feeds layers that stay stochastic, MC dropout). */
export function evaluate(
  trainer: Trainer,
  data: Dataset,
  rng = new Rng(0),
  batchSize = 256,
): { loss: number; acc: number } {
  const ctx = { training: false, rng };
  const batches = new Batches(data, batchSize, trainer.net.kernels);
  const order = identity(data.n);
  let loss = 0;
  let correct = 0;
  for (let b = 0; b < batches.count; b++) {
    const { x, y } = batches.get(b, order);
    const r = trainer.step(x, y, ctx);
    loss += r.loss * y.length;
    correct += r.correct;
  }
  return { loss: loss / data.n, acc: correct / data.n };
}

/**
 * Trains `net` (already initialised) on `train`, validating on `val`. `rng` drives shuffling and dropout;
 * pass a fresh Rng(seed) for a reproducible run. With `split`, this thread runs its share of every batch
 * and takes the merged step (two-workers.ts); shuffling and dropout draws are the whole batch's.
 */
export async function train(
  net: Network,
  data: { train: Dataset; val?: Dataset },
  options: TrainOptions,
  rng: Rng,
  hooks: TrainHooks = {},
  split?: BatchSplit,
): Promise<TrainResult> {
  const trainer = new Trainer(net, options);
  const shuffleRng = rng.fork();
  const dropoutRng = rng.fork();
  const batches = new Batches(data.train, options.batchSize, net.kernels);
  const order = identity(data.train.n);
  const dropouts = net.dropoutLayers();
  const interval = options.progressIntervalMs ?? 50;
  const ctx = { training: true, rng: dropoutRng };
  const epochs: EpochMetrics[] = [];
  let lastProgress = performance.now();
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      // Each layer follows its own schedule. A layer that is off draws no masks, so the other layers'
      // masks and the shuffling are what they would be without it.
      for (const d of dropouts) d.on = scheduledOn(d.spec.schedule, epoch);
      if (options.shuffle !== false) shuffle(order, shuffleRng);
      let loss = 0;
      let correct = 0;
      for (let b = 0; b < batches.count; b++) {
        if (hooks.isCancelled?.()) return { epochs, cancelled: true };
        const rows = batches.rowsOf(b);
        let r: StepResult;
        if (split) {
          const share = split.share(rows);
          const { x, y } = batches.get(b, order, share);
          const mine = trainer.gradients(x, y, { ...ctx, rows: share.rows < rows ? share : undefined });
          r = await split.merge(net.params, share, mine);
          trainer.update();
        } else {
          const { x, y } = batches.get(b, order);
          r = trainer.step(x, y, ctx);
        }
        if (!Number.isFinite(r.loss))
          throw new EngineError(
            `training diverged: the loss became ${r.loss} in epoch ${epoch + 1}, batch ${b + 1}`,
          );
        loss += r.loss * rows;
        correct += r.correct;
        const now = performance.now();
        if (hooks.onProgress && now - lastProgress >= interval) {
          lastProgress = now;
          hooks.onProgress({ epoch: epoch + 1, batch: b + 1, batches: batches.count });
        }
        await hooks.pause?.();
      }
      const val = data.val && data.val.n > 0 ? evaluate(trainer, data.val) : undefined;
      const metrics: EpochMetrics = {
        epoch: epoch + 1,
        trainLoss: loss / data.train.n,
        trainAcc: correct / data.train.n,
        valLoss: val ? val.loss : null,
        valAcc: val ? val.acc : null,
      };
      epochs.push(metrics);
      hooks.onEpoch?.(metrics);
    }
  } finally {
    // The trained network is used (MC dropout, exports) with every layer as the file describes it.
    for (const d of dropouts) d.on = true;
  }
  return { epochs, cancelled: false };
}
