// A sequential network as plain JSON: the layers the engine builds and trains, what a trained run
// carries out of the worker, and what the exporters (ONNX, PyTorch, Keras) write. A dropout layer is
// described with the IR's DropoutSpec names, so what a file says reaches the engine and the exports as is.
import type { DropoutSpec, DropoutVariant } from './ir';

export type ActivationName = 'relu' | 'leaky-relu' | 'elu' | 'selu' | 'gelu' | 'tanh' | 'sigmoid' | 'softmax';

/** SELU's constants (Klambauer et al. 2017, as in PyTorch): what `selu` means wherever it is run or written. */
export const SELU_ALPHA = 1.6732632423543772;
export const SELU_LAMBDA = 1.0507009873554805;

export type InitKind = 'he-normal' | 'lecun-normal' | 'glorot-uniform';

export interface DenseSpec {
  units: number;
  bias?: boolean;
  init?: InitKind;
  /** DropConnect probability of dropping each weight (0 = off). */
  dropConnect?: number;
}

export interface Conv2dSpec {
  filters: number;
  kernelSize: number;
  stride?: number;
  /** Zero padding on each side, or 'same' (k/2, for odd k and stride 1) / 'valid' (0). */
  padding?: number | 'same' | 'valid';
  /** False before a batchnorm, whose shift makes a bias redundant (its gradient is zero). */
  bias?: boolean;
  init?: InitKind;
}

export interface PoolSpec {
  pool: 'max' | 'avg' | 'global-avg';
  poolSize?: number;
  stride?: number;
}

export interface NormSpec {
  eps?: number;
  /** BatchNorm only: weight of the new batch in the running statistics. */
  momentum?: number;
}

export interface ActivationSpec {
  activation: ActivationName;
  /** Negative slope of leaky ReLU (PyTorch's default 0.01) or ELU's alpha (default 1). */
  alpha?: number;
}

/** The variants that are layers of their own (DropConnect is a dense option; variational is recurrent). */
export type DropoutLayerVariant = Exclude<DropoutVariant, 'dropconnect' | 'variational'>;

/**
 * A dropout-family layer: a DropoutSpec without what only the file needs (origin, raw values). Absent
 * scaling is inverted, absent mode train-only, absent schedule every epoch.
 */
export type DropoutLayerSpec = { variant: DropoutLayerVariant } & Pick<DropoutSpec, 'rate'> &
  Partial<Pick<DropoutSpec, 'stddev' | 'scaling' | 'mode' | 'schedule'>>;

export type LayerSpec = { name: string } & (
  | ({ type: 'dense' } & DenseSpec)
  | ({ type: 'conv2d' } & Conv2dSpec)
  | ({ type: 'pool' } & PoolSpec)
  | { type: 'flatten' }
  | { type: 'reshape'; shape: number[] }
  | ({ type: 'batchnorm' } & NormSpec)
  | ({ type: 'layernorm' } & NormSpec)
  | ({ type: 'activation' } & ActivationSpec)
  | ({ type: 'dropout' } & DropoutLayerSpec)
);

/**
 * A trained network as plain data (structured-clone safe): what the exporters take, so they need no
 * engine object. The worker makes one from the network it trained.
 */
export interface NetworkRecord {
  /** Shape of one sample (no batch axis). */
  inputShape: number[];
  /** The layers in order, each with the shape of one sample it outputs. */
  layers: (LayerSpec & { outputShape: number[] })[];
  /** Parameters and buffers ("<layer>.weight", "<layer>.running_var"), row-major, in layer order. */
  tensors: { name: string; shape: number[]; values: Float32Array }[];
}
