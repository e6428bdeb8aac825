// Networks the export tests share: every activation, norm and dropout variant the engine has, on the
// 64 digits features (reshaped to one 8×8 channel for the convolution).
import type { LayerSpec } from '../../../src/core/model/network-spec';

export const MIXED_LAYERS: LayerSpec[] = [
  { type: 'reshape', name: 'r', shape: [1, 8, 8] },
  { type: 'conv2d', name: 'c1', filters: 4, kernelSize: 3, padding: 'same', bias: false },
  { type: 'batchnorm', name: 'bn' },
  { type: 'activation', name: 'c1/relu', activation: 'relu' },
  { type: 'dropout', name: 'sd', variant: 'spatial', rate: 0.2 },
  { type: 'pool', name: 'p', pool: 'avg', poolSize: 2 },
  { type: 'flatten', name: 'f' },
  { type: 'dense', name: 'a', units: 16 },
  { type: 'layernorm', name: 'ln' },
  { type: 'activation', name: 'a/gelu', activation: 'gelu' },
  { type: 'dropout', name: 'd1', variant: 'standard', rate: 0.3, scaling: 'inference-scale' },
  { type: 'dense', name: 'b', units: 16 },
  { type: 'activation', name: 'b/selu', activation: 'selu' },
  { type: 'dropout', name: 'd2', variant: 'alpha', rate: 0.1 },
  { type: 'dense', name: 'c', units: 12 },
  { type: 'activation', name: 'c/elu', activation: 'elu' },
  { type: 'dropout', name: 'd3', variant: 'gaussian', rate: 0.2 },
  { type: 'dense', name: 'e', units: 8 },
  { type: 'activation', name: 'e/lrelu', activation: 'leaky-relu', alpha: 0.2 },
  { type: 'dropout', name: 'd4', variant: 'gaussian-noise', rate: 0, stddev: 0.5 },
  { type: 'dense', name: 'g', units: 8 },
  { type: 'activation', name: 'g/tanh', activation: 'tanh' },
  { type: 'dropout', name: 'd5', variant: 'standard', rate: 0.5 },
  { type: 'dense', name: 'out', units: 10 },
];

/** A per-feature standardisation that is not the identity, so the exported one is exercised. */
export const MIXED_STANDARDIZATION = {
  mean: Array.from({ length: 64 }, (_, i) => i / 16),
  std: Array.from({ length: 64 }, (_, i) => 2 + (i % 5)),
};
