// What every engine layer provides: forward and backward over batches, its parameters, and its config as
// plain JSON. Dropout's switch is the `training` flag passed with each call, never global state.
import type { Kernels } from '../kernels/kernels';
import type { Rng } from '../../random/rng';
import type { DType, Tensor, Vec } from '../tensor';

export interface Param {
  name: string;
  value: Vec;
  grad: Vec;
  shape: number[];
  /** L2 weight decay applies (weights yes; biases and normalisation scales no, as in Keras' regularizers). */
  decay: boolean;
  /** For max-norm: the number of units, each owning one row of incoming weights ([out, in] layout). */
  units?: number;
}

export interface ForwardContext {
  /** Training mode: dropout and noise are active, batchnorm uses and updates batch statistics. */
  training: boolean;
  rng: Rng;
  /**
   * Consecutive groups of this many rows share one dropout mask (MC dropout's consistent masks, where a
   * pass of n tiled rows is one sampled network). Default 1: every row draws its own.
   */
  maskRows?: number;
  /** MC passes: where the rows sit in the whole run, so the masks do not depend on the batching. */
  blocks?: PassBlocks;
  /**
   * Data-parallel training: this batch is rows [offset, offset + its rows) of a batch of `total` rows that
   * other threads hold the rest of. Stochastic layers draw what these rows would draw in the whole batch
   * and leave the stream where the whole batch leaves it, so every thread's stream stays in step.
   */
  rows?: { offset: number; total: number };
}

/**
 * MC passes: the batch is `passes` equal blocks of rows, for passes first, first + 1, …, each holding
 * samples [offset, offset + samples) of a run over `total` samples. A stochastic layer draws each block
 * from the place in its stream that block would have in one batch over all the samples (pass-major), so
 * a sample's masks in a pass are the same however the samples were batched.
 */
export interface PassBlocks {
  first: number;
  passes: number;
  offset: number;
  samples: number;
  total: number;
  /** Consistent masks: one mask per pass for every sample. */
  consistent: boolean;
}

export interface LayerSetup {
  dtype: DType;
  kernels: Kernels;
  /** Feature shape of the input (no batch axis). */
  inputShape: number[];
}

export interface EngineLayer {
  readonly kind: string;
  readonly name: string;
  /** Feature shape of the output (no batch axis). */
  readonly outputShape: number[];
  readonly params: Param[];
  /** State that is not trained by the optimizer but belongs to the model (batchnorm's running statistics). */
  readonly buffers?: { name: string; value: Vec }[];
  /** Draws initial weights. */
  init(rng: Rng): void;
  forward(x: Tensor, ctx: ForwardContext): Tensor;
  /** Accumulates nothing: parameter gradients are overwritten; returns dL/dx unless `needInputGrad` is false. */
  backward(dy: Tensor, needInputGrad: boolean): Tensor | undefined;
  /** The layer's configuration as JSON (round-trips through `createLayer`). */
  config(): Record<string, unknown>;
}
