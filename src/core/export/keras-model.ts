// Describes a trained network (a plain NetworkRecord) for Keras 3 (`import keras`) as data: a list of Keras layers (class
// name, constructor arguments, weights in get_weights() order). keras-script.ts renders the list as a
// Python script; the tests build the same list in TensorFlow.js layers (which implements Keras's layer
// semantics) because Keras itself is not installed where they run.
//
// The engine is channels-first ([C, H, W]); Keras's convolutions and pooling run channels-last on every
// backend, so the model permutes to [H, W, C] before them and back before anything that depends on the
// engine's order (flatten, dense, reshape, layer norm, softmax). Kernels are transposed accordingly: a
// dense [out, in] weight becomes Keras's [in, out] kernel, a conv [out, in, kh, kw] weight [kh, kw, in, out].
// Dropout keeps its variant, rate and placement: Dropout, SpatialDropout1D/2D (one mask per channel),
// AlphaDropout, GaussianDropout, GaussianNoise, a small ClassicDropout layer for unscaled training, and
// an AlwaysOn wrapper for MC-dropout layers that stay random at inference.
import { randomAtInference } from '../model/ir';
import type { LayerSpec, NetworkRecord } from '../model/network-spec';
import { ScriptExportError, walkNetwork, type WalkStep } from './python-script';

export interface KerasExportOptions {
  name: string;
  /** Append a softmax (the network outputs logits because the loss applied it). */
  softmax: boolean;
  standardization?: { mean: number[]; std: number[] };
}

/** A Python literal: str, int or float, bool, or a (nested) list. */
export type PyValue = string | number | boolean | PyValue[];

export interface KerasLayer {
  /** `keras.layers.<className>`, or a class the script defines (ClassicDropout). */
  className: string;
  /** Keras 3 constructor arguments (snake_case), `name` included. */
  config: Record<string, PyValue>;
  /** In the order of the layer's get_weights(), already in Keras's layout. */
  weights: { shape: number[]; values: Float32Array }[];
  /** MC dropout, random at inference too: the name of the wrapped layer (the script wraps it in AlwaysOn). */
  alwaysOn?: string;
  /** A note for the reader of the script, written above the layer. */
  note?: string;
}

const fail = (message: string) => new ScriptExportError('Keras', message);

/** [out, in, ...] row-major → the same values with the axes in `order` (a permutation). */
function permute(values: Float32Array, shape: number[], order: number[]): Float32Array {
  const outShape = order.map((a) => shape[a] as number);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = new Float32Array(values.length);
  const index = new Array<number>(outShape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < order.length; d++)
      src += (index[d] as number) * (strides[order[d] as number] as number);
    out[o] = values[src] as number;
    for (let d = outShape.length - 1; d >= 0; d--) {
      index[d] = (index[d] as number) + 1;
      if ((index[d] as number) < (outShape[d] as number)) break;
      index[d] = 0;
    }
  }
  return out;
}

/** Builds the layer list, tracking whether the current tensor is channels-last and naming every layer. */
class Builder {
  readonly layers: KerasLayer[] = [];
  private channelsLast = false;
  private readonly names = new Set<string>();

  /** A Keras layer name (no "/", unique across the model). */
  name(base: string): string {
    const clean = base.replace(/[^\w.-]+/g, '_') || 'layer';
    let name = clean;
    for (let i = 2; this.names.has(name); i++) name = `${clean}_${i}`;
    this.names.add(name);
    return name;
  }

  add(
    className: string,
    base: string,
    config: KerasLayer['config'] = {},
    extra: Partial<KerasLayer> = {},
  ): void {
    this.layers.push({ className, config: { ...config, name: this.name(base) }, weights: [], ...extra });
  }

  /** Rank-3 features in [H, W, C] for convolutions, pooling and per-channel layers. */
  toChannelsLast(step: WalkStep): void {
    if (step.inputShape.length !== 3)
      throw fail(
        `layer "${step.spec.name}" needs a [channels, height, width] input, got [${step.inputShape}]`,
      );
    if (this.channelsLast) return;
    this.add('Permute', `${step.spec.name}_to_channels_last`, { dims: [2, 3, 1] });
    this.channelsLast = true;
  }

  /** Back to the engine's order before layers that depend on it. */
  toEngineOrder(step: WalkStep): void {
    if (!this.channelsLast) return;
    this.add('Permute', `${step.spec.name}_to_channels_first`, { dims: [3, 1, 2] });
    this.channelsLast = false;
  }

  /** Rank 1 after global pooling reduces to [C]. */
  flat(): void {
    this.channelsLast = false;
  }
}

function activation(b: Builder, step: WalkStep, spec: Extract<LayerSpec, { type: 'activation' }>): void {
  switch (spec.activation) {
    case 'leaky-relu':
      return b.add('LeakyReLU', spec.name, { negative_slope: spec.alpha ?? 0.01 });
    case 'elu':
      return b.add('ELU', spec.name, { alpha: spec.alpha ?? 1 });
    case 'softmax':
      // Over the engine's last axis.
      b.toEngineOrder(step);
      return b.add('Activation', spec.name, { activation: 'softmax' });
    default:
      // Keras's gelu is the exact erf form by default, like the engine's.
      return b.add('Activation', spec.name, { activation: spec.activation });
  }
}

function dropout(b: Builder, step: WalkStep, spec: Extract<LayerSpec, { type: 'dropout' }>): void {
  const extra = randomAtInference(spec) ? { alwaysOn: b.name(`${spec.name}_inner`) } : {};
  const rate = { rate: spec.rate };
  switch (spec.variant) {
    case 'standard':
      return b.add(spec.scaling === 'inference-scale' ? 'ClassicDropout' : 'Dropout', spec.name, rate, extra);
    case 'spatial':
      if (step.inputShape.length === 3) {
        b.toChannelsLast(step);
        return b.add('SpatialDropout2D', spec.name, rate, extra);
      }
      if (step.inputShape.length === 2) {
        // [C, L] in the engine; SpatialDropout1D wants [steps, channels].
        b.add('Permute', `${spec.name}_to_steps`, { dims: [2, 1] });
        b.add('SpatialDropout1D', spec.name, rate, extra);
        return b.add('Permute', `${spec.name}_to_channels`, { dims: [2, 1] });
      }
      // A flat feature has one unit per channel: spatial dropout is plain dropout.
      return b.add('Dropout', spec.name, rate, extra);
    case 'alpha':
      return b.add('AlphaDropout', spec.name, rate, extra);
    case 'gaussian':
      return b.add('GaussianDropout', spec.name, rate, extra);
    case 'gaussian-noise':
      return b.add('GaussianNoise', spec.name, { stddev: spec.stddev ?? 0 }, extra);
  }
}

function layer(b: Builder, step: WalkStep): void {
  const { spec, inputShape } = step;
  switch (spec.type) {
    case 'dense': {
      b.toEngineOrder(step);
      if (inputShape.length > 1) b.add('Flatten', `${spec.name}_flatten`);
      const w = step.tensor('weight');
      const weights = [
        { shape: [w.shape[1] as number, spec.units], values: permute(w.value, w.shape, [1, 0]) },
      ];
      if (spec.bias !== false) weights.push({ shape: [spec.units], values: step.tensor('bias').value });
      const note = spec.dropConnect
        ? `DropConnect (p = ${spec.dropConnect}) masks this layer's weights in training; Keras has no such layer, so it is left out.`
        : undefined;
      return b.add(
        'Dense',
        spec.name,
        { units: spec.units, use_bias: spec.bias !== false },
        { weights, note },
      );
    }
    case 'conv2d': {
      b.toChannelsLast(step);
      const k = spec.kernelSize;
      const s = spec.stride ?? 1;
      const pad =
        spec.padding === 'same' ? Math.floor(k / 2) : spec.padding === 'valid' ? 0 : (spec.padding ?? 0);
      // Keras's "same" pads k // 2 on each side only for odd kernels at stride 1; otherwise pad explicitly.
      const same = pad > 0 && s === 1 && k % 2 === 1 && pad === (k - 1) / 2;
      if (pad > 0 && !same) b.add('ZeroPadding2D', `${spec.name}_padding`, { padding: [pad, pad] });
      const w = step.tensor('weight');
      const weights = [
        {
          shape: [k, k, inputShape[0] as number, spec.filters],
          values: permute(w.value, w.shape, [2, 3, 1, 0]),
        },
      ];
      if (spec.bias !== false) weights.push({ shape: [spec.filters], values: step.tensor('bias').value });
      const config = {
        filters: spec.filters,
        kernel_size: [k, k],
        strides: [s, s],
        padding: same ? 'same' : 'valid',
        use_bias: spec.bias !== false,
      };
      return b.add('Conv2D', spec.name, config, { weights });
    }
    case 'pool': {
      b.toChannelsLast(step);
      if (spec.pool === 'global-avg') {
        b.add('GlobalAveragePooling2D', spec.name);
        return b.flat();
      }
      const k = spec.poolSize ?? 2;
      const s = spec.stride ?? k;
      const className = spec.pool === 'max' ? 'MaxPooling2D' : 'AveragePooling2D';
      return b.add(className, spec.name, { pool_size: [k, k], strides: [s, s], padding: 'valid' });
    }
    case 'flatten':
      b.toEngineOrder(step);
      return b.add('Flatten', spec.name);
    case 'reshape':
      b.toEngineOrder(step);
      return b.add('Reshape', spec.name, { target_shape: spec.shape });
    case 'batchnorm': {
      if (inputShape.length === 3) b.toChannelsLast(step);
      else if (inputShape.length !== 1)
        throw fail(`layer "${spec.name}": BatchNorm of a rank-${inputShape.length} feature`);
      const weights = ['weight', 'bias', 'running_mean', 'running_var'].map((t) => {
        const { value } = step.tensor(t);
        return { shape: [value.length], values: value };
      });
      // Keras's momentum is the weight of the old running statistics: 1 − the engine's (PyTorch's).
      const config = { axis: -1, momentum: 1 - (spec.momentum ?? 0.1), epsilon: spec.eps ?? 1e-5 };
      return b.add('BatchNormalization', spec.name, config, { weights });
    }
    case 'layernorm': {
      b.toEngineOrder(step);
      const weights = ['weight', 'bias'].map((t) => {
        const { value } = step.tensor(t);
        return { shape: [value.length], values: value };
      });
      return b.add('LayerNormalization', spec.name, { axis: -1, epsilon: spec.eps ?? 1e-5 }, { weights });
    }
    case 'activation':
      return activation(b, step, spec);
    case 'dropout':
      return dropout(b, step, spec);
  }
}

/** Row-major `values` as nested lists of `shape`. */
function nest(values: number[], shape: number[]): PyValue[] {
  const [n = 1, ...rest] = shape;
  if (rest.length === 0) return values;
  const size = values.length / n;
  return Array.from({ length: n }, (_, i) => nest(values.slice(i * size, (i + 1) * size), rest));
}

/** The Keras layers of `net` (with its trained weights), after the standardisation, before a final softmax. */
export function kerasLayers(net: NetworkRecord, options: KerasExportOptions): KerasLayer[] {
  const b = new Builder();
  if (options.standardization) {
    const { mean, std } = options.standardization;
    // One mean and variance per input feature, shaped like the input, whatever its rank.
    const axis = net.inputShape.length === 1 ? -1 : net.inputShape.map((_, i) => i + 1);
    const variance = std.map((s) => s * s);
    b.add('Normalization', 'standardize', {
      axis,
      mean: nest(mean, net.inputShape),
      variance: nest(variance, net.inputShape),
    });
  }
  for (const step of walkNetwork(net, 'Keras')) layer(b, step);
  if (options.softmax) b.add('Activation', 'probabilities', { activation: 'softmax' });
  return b.layers;
}
