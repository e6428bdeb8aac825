// Builds a trainable network from the model IR (written against the IR, not a file format, so ONNX and
// tfjs graphs can use it). Supports sequential graphs of the ops below and names the op and layer of
// anything else. A final softmax is left out when training with cross-entropy on logits.
import type { DropoutSpec, Graph, Layer } from '../model/ir';
import { ACTIVATION_NAMES, type ActivationName } from './layers/activations';
import type { DropoutConfig } from './layers/dropout';
import { initFor } from './layers/init';
import { EngineError } from './layers/layer';
import type { LossKind } from './train/losses';
import type { LayerSpec } from './network';

export interface BuiltModel {
  inputShape: number[];
  specs: LayerSpec[];
  /** The graph ended in a softmax that the loss now applies (predictions are its argmax either way). */
  softmaxInLoss: boolean;
}

function unsupported(layer: Layer, why: string): never {
  throw new EngineError(`layer "${layer.name}": ${layer.op} (${layer.originalOp}) ${why}`);
}

const num = (v: unknown, fallback?: number): number | undefined => (typeof v === 'number' ? v : fallback);

/** Readers store window sizes and strides as [h, w] pairs (or a number); the engine's kernels are square. */
const square = (v: unknown, fallback?: number): number | undefined => {
  if (Array.isArray(v) && v.length === 2 && v[0] === v[1]) return num(v[0]);
  return Array.isArray(v) ? undefined : num(v, fallback);
};

function activationSpec(layer: Layer, kind: string, name: string): LayerSpec | undefined {
  if (kind === 'linear') return undefined;
  if (!(ACTIVATION_NAMES as readonly string[]).includes(kind))
    unsupported(
      layer,
      `uses activation "${kind}", which the engine does not support (${ACTIVATION_NAMES.join(', ')})`,
    );
  const alpha = num(layer.attributes.alpha);
  return {
    type: 'activation',
    name,
    activation: kind as ActivationName,
    ...(alpha !== undefined ? { alpha } : {}),
  };
}

function dropoutConfig(layer: Layer, spec: DropoutSpec): DropoutConfig {
  const mode = spec.mode === 'train-only' ? 'train-only' : 'always';
  if (layer.op === 'gaussian-noise') {
    const stddev = num(layer.attributes.stddev, spec.rate) as number;
    return { variant: 'gaussian-noise', rate: stddev, mode };
  }
  if (!Number.isFinite(spec.rate))
    unsupported(layer, `has no numeric rate (${JSON.stringify(spec.rawRate)})`);
  switch (spec.variant) {
    case 'standard':
      return {
        variant: 'standard',
        rate: spec.rate,
        scaling: spec.scaling === 'inverted' ? 'inverted' : 'classic',
        mode,
      };
    case 'spatial':
    case 'alpha':
    case 'gaussian':
      return { variant: spec.variant, rate: spec.rate, mode };
    default:
      return unsupported(
        layer,
        `uses ${spec.variant} dropout, which the engine runs only as a dense-layer option`,
      );
  }
}

/** The engine trains small networks; 2^26 float32 parameters already take 1 GB with gradients and Adam. */
export const MAX_TRAINABLE_PARAMS = 2 ** 26;

export function buildFromGraph(graph: Graph, loss: LossKind = 'softmax-cross-entropy'): BuiltModel {
  const [input, ...rest] = graph.layers;
  if (input?.op !== 'input') throw new EngineError(`${graph.name}: the graph has no input layer first`);
  const shape = (input.outputShape ?? []).slice(1);
  if (shape.length === 0 || !shape.every((d): d is number => typeof d === 'number' && d > 0))
    throw new EngineError(`${graph.name}: the input shape [${input.outputShape}] must have known sizes`);
  // Sizes come from the file: refuse before the layers allocate their weights (value, gradient, Adam).
  const params = graph.layers.reduce((n, l) => n + l.params, 0);
  if (!(params <= MAX_TRAINABLE_PARAMS))
    throw new EngineError(
      `${graph.name}: ${params} parameters is more than the engine trains (at most ${MAX_TRAINABLE_PARAMS})`,
    );
  const specs: LayerSpec[] = [];
  let previous = input.id;
  rest.forEach((layer, i) => {
    if (layer.inputs.length !== 1 || layer.inputs[0] !== previous)
      unsupported(layer, 'is not part of a single chain; the engine trains sequential networks only');
    previous = layer.id;
    const a = layer.attributes;
    const name = layer.name;
    const next = rest[i + 1];
    const followingActivation = layer.activation ?? (next?.op === 'activation' ? next.activation : undefined);
    switch (layer.op) {
      case 'dense': {
        const units = num(a.units);
        if (!units) unsupported(layer, 'has no "units"');
        const dropConnect = layer.dropout?.variant === 'dropconnect' ? layer.dropout.rate : undefined;
        specs.push({
          type: 'dense',
          name,
          units,
          bias: a.bias !== false,
          init: initFor(followingActivation),
          ...(dropConnect !== undefined ? { dropConnect } : {}),
        });
        break;
      }
      case 'conv': {
        const filters = num(a.filters);
        const kernelSize = square(a.kernelSize);
        const stride = square(a.strides ?? a.stride, 1);
        if (!filters || !kernelSize) unsupported(layer, 'needs "filters" and a square "kernelSize"');
        if (!stride) unsupported(layer, 'needs equal strides along height and width');
        const padding = a.padding === 'same' || a.padding === 'valid' ? a.padding : num(a.padding, 0);
        specs.push({
          type: 'conv2d',
          name,
          filters,
          kernelSize,
          stride,
          padding,
          bias: a.bias !== false,
          init: initFor(followingActivation),
        });
        break;
      }
      case 'pool': {
        const kind = String(a.pool ?? layer.originalOp).toLowerCase();
        const pool =
          a.global === true || kind.includes('global')
            ? 'global-avg'
            : kind.includes('max')
              ? 'max'
              : kind.includes('av')
                ? 'avg'
                : undefined;
        if (!pool) unsupported(layer, 'is a pooling the engine does not know (max, avg, global average)');
        const poolSize = square(a.poolSize, 2);
        if (poolSize === undefined) unsupported(layer, 'needs a square pooling window');
        specs.push({ type: 'pool', name, pool, poolSize, stride: square(a.strides ?? a.stride) });
        break;
      }
      case 'flatten':
        specs.push({ type: 'flatten', name });
        break;
      case 'reshape':
        if (!Array.isArray(a.shape)) unsupported(layer, 'has no target "shape"');
        specs.push({ type: 'reshape', name, shape: a.shape as number[] });
        break;
      case 'batchnorm':
      case 'layernorm':
        specs.push({ type: layer.op, name, eps: num(a.eps ?? a.epsilon), momentum: num(a.momentum) });
        break;
      case 'softmax':
        specs.push({ type: 'activation', name, activation: 'softmax' });
        break;
      case 'activation': {
        const s = activationSpec(layer, layer.activation ?? String(a.activation), name);
        if (s) specs.push(s);
        break;
      }
      case 'dropout':
      case 'gaussian-noise':
        if (!layer.dropout) unsupported(layer, 'has no dropout description');
        specs.push({ type: 'dropout', name, ...dropoutConfig(layer, layer.dropout) });
        break;
      case 'identity':
        break;
      default:
        unsupported(layer, 'is not supported by the engine');
    }
    if (layer.activation && layer.op !== 'activation') {
      const s = activationSpec(layer, layer.activation, `${name}/${layer.activation}`);
      if (s) specs.push(s);
    }
  });
  const last = specs[specs.length - 1];
  const softmaxInLoss =
    loss === 'softmax-cross-entropy' && last?.type === 'activation' && last.activation === 'softmax';
  if (softmaxInLoss) specs.pop();
  return { inputShape: shape, specs, softmaxInLoss };
}
