// The tfjs layers dropout family in MC passes, each class drawn as Keras draws it in training:
//   Dropout: inverted Bernoulli masks over its noise_shape (an axis of 1 shares one mask value)
//   SpatialDropout1D/2D/3D: one mask per sample and channel (channels last unless data_format says first)
//   GaussianDropout: x·ε, ε ~ N(1, rate/(1 − rate));  GaussianNoise: x + stddev·ε, ε ~ N(0, 1)
//   AlphaDropout: Klambauer et al.'s form, dropped units at −λα before the affine correction. (tfjs 4.x's
//   own layer puts them at +λα, a sign slip; a model trained in Keras and converted expects the paper's.)
// Outside MC passes every one of them is the identity.
import type { DropoutLayerVariant } from '../../model/network-spec';
import { Dropout } from '../layers/dropout';
import { EngineError } from '../engine-error';
import type { Layer } from '../../model/ir';
import type { Op } from './ops';
import { binary, tensor } from './tensor-ops';
import type { Tensor } from '../tensor';

const VARIANTS: Record<string, DropoutLayerVariant> = {
  Dropout: 'standard',
  SpatialDropout1D: 'standard',
  SpatialDropout2D: 'standard',
  SpatialDropout3D: 'standard',
  GaussianDropout: 'gaussian',
  AlphaDropout: 'alpha',
  GaussianNoise: 'gaussian-noise',
};

/** The shape of the mask, with 1 on the axes that share it; undefined for one value per element. */
function maskShape(layer: Layer, shape: number[]): number[] | undefined {
  if (layer.originalOp.startsWith('SpatialDropout')) {
    const first = layer.attributes.data_format === 'channels_first';
    return shape.map((d, i) => (i === 0 || i === (first ? 1 : shape.length - 1) ? d : 1));
  }
  const noise = layer.dropout?.noiseShape;
  if (!noise) return undefined;
  if (noise.length !== shape.length)
    throw new EngineError(`noise_shape [${noise.join(', ')}] does not fit the input [${shape.join(', ')}]`);
  return noise.map((d, i) => (d === null ? (shape[i] as number) : d));
}

export const tfjsDropoutOp: Op = ([x], ctx) => {
  if (!x) throw new EngineError('a required input is missing');
  const { layer } = ctx;
  const { rate = 0, stddev } = layer.dropout ?? {};
  if (!ctx.stochastic || !(rate > 0 || (stddev ?? 0) > 0)) return [x];
  const variant = VARIANTS[layer.originalOp];
  if (!variant) throw new EngineError(`${layer.originalOp} cannot draw masks`);
  const run = { training: true, rng: ctx.rng, maskRows: ctx.maskRows, blocks: ctx.blocks };
  const drop = (input: Tensor) =>
    new Dropout(
      layer.name,
      { variant, rate, stddev },
      { dtype: 'float32', kernels: ctx.kernels, inputShape: input.shape.slice(1) },
    ).forward(input, run);
  const shared = maskShape(layer, x.shape);
  if (!shared) {
    const y = drop(x);
    return [tensor(y.shape, Float32Array.from(y.data))];
  }
  if (variant !== 'standard')
    throw new EngineError(`${layer.originalOp} with a noise_shape cannot draw masks (only Dropout can)`);
  // The factors of the mask's shape (kept: 1/(1 − rate), dropped: 0), broadcast over the shared axes.
  const factor = drop(tensor(shared, new Float32Array(shared.reduce((a, b) => a * b, 1)).fill(1)));
  return [binary(x, tensor(shared, Float32Array.from(factor.data)), (a, b) => a * b)];
};
