// What an op of the graph executor sees, and the ops both formats share: activations through the
// engine's Activation layer, batch normalisation through its BatchNorm, dropout through its Dropout
// layer (so MC runs draw the same mask streams as a built network).
import type { ActivationName } from '../../model/network-spec';
import { Activation } from '../layers/activations';
import { Dropout } from '../layers/dropout';
import type { Kernels } from '../kernels/kernels';
import type { PassBlocks } from '../layers/layer';
import type { Layer } from '../../model/ir';
import { BatchNorm } from '../layers/norm';
import type { Rng } from '../../random/rng';
import type { Tensor } from '../tensor';
import { binary, tensor } from './tensor-ops';

export interface OpContext {
  layer: Layer;
  /** ONNX: the default-domain op set version; 0 for other formats. */
  opset: number;
  /** Dropout draws masks (MC dropout, or an ONNX Dropout with training_mode true). */
  stochastic: boolean;
  rng: Rng;
  /** Consecutive rows sharing one dropout mask (see ForwardContext.maskRows). */
  maskRows: number;
  /** MC passes: where the rows sit in the whole run (see ForwardContext.blocks). */
  blocks?: PassBlocks;
  kernels: Kernels;
  /** A weight of this layer loaded from the file (tfjs: "kernel", "bias", ...). */
  weight(name: string): Tensor;
}

/** Returns the op's outputs, or throws; `inputs` are positional (undefined for an omitted optional one). */
export type Op = (inputs: (Tensor | undefined)[], ctx: OpContext) => Tensor[];

export function activation(x: Tensor, kind: ActivationName, kernels: Kernels, alpha?: number): Tensor {
  const setup = { dtype: 'float32' as const, kernels, inputShape: x.shape.slice(1) };
  const layer = new Activation(
    'graph',
    alpha === undefined ? { activation: kind } : { activation: kind, alpha },
    setup,
  );
  const y = layer.forward(x);
  return tensor(y.shape, y.data as Float32Array);
}

export function scale(x: Tensor, factor: number): Tensor {
  return factor === 1 ? x : binary(x, tensor([], Float32Array.of(factor)), (a, b) => a * b);
}

/** Inference batch normalisation over axis 1 of [N, C, ...] with the file's statistics. */
export function batchNorm(
  x: Tensor,
  stats: { gamma: Tensor; beta: Tensor; mean: Tensor; variance: Tensor },
  eps: number,
  kernels: Kernels,
): Tensor {
  const setup = { dtype: 'float32' as const, kernels, inputShape: x.shape.slice(1) };
  const norm = new BatchNorm('graph', { eps }, setup);
  norm.params[0]?.value.set(stats.gamma.data);
  norm.params[1]?.value.set(stats.beta.data);
  norm.buffers[0]?.value.set(stats.mean.data);
  norm.buffers[1]?.value.set(stats.variance.data);
  const y = norm.forward(x, { training: false });
  return tensor(y.shape, y.data as Float32Array);
}

/**
 * Inverted dropout: kept values scaled by 1/(1 − rate). Returns the output and the keep mask (1/0);
 * the mask comes from the engine's Dropout applied to ones, which yields each element's factor.
 */
export function dropout(x: Tensor, rate: number, ctx: OpContext): [Tensor, Tensor] {
  if (!ctx.stochastic || rate === 0) return [x, tensor(x.shape, new Float32Array(x.data.length).fill(1))];
  const setup = { dtype: 'float32' as const, kernels: ctx.kernels, inputShape: x.shape.slice(1) };
  const layer = new Dropout(ctx.layer.name, { variant: 'standard', rate }, setup);
  const batched = x.shape.length > 0 ? x.shape : [1];
  const ones = tensor(batched, new Float32Array(x.data.length).fill(1));
  const factor = layer.forward(ones, {
    training: true,
    rng: ctx.rng,
    maskRows: ctx.maskRows,
    blocks: ctx.blocks,
  });
  const y = tensor(x.shape);
  const mask = tensor(x.shape);
  for (let i = 0; i < y.data.length; i++) {
    const f = factor.data[i] as number;
    y.data[i] = f * (x.data[i] as number);
    mask.data[i] = f !== 0 ? 1 : 0;
  }
  return [y, mask];
}
