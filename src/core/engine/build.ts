// Builds a trainable network from the model IR (written against the IR, not a file format, so ONNX and
// tfjs graphs can use it). Supports sequential graphs of the ops below and names the op and layer of
// anything else. A final softmax is left out when training with cross-entropy on logits.
import type { DropoutSpec, Graph, Layer } from '../model/ir';
import type { ActivationName, DropoutLayerSpec, LayerSpec } from '../model/network-spec';
import { ACTIVATION_NAMES } from './layers/activations';
import { initFor } from './layers/init';
import { EngineError } from './engine-error';

/** The loss a model is built for (train/losses.ts computes it): cross-entropy takes over a final softmax. */
export type LossKind = 'softmax-cross-entropy' | 'mse';

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

/**
 * The engine's dropout layer for a file's DropoutSpec. Every field the file states is honoured, or the
 * layer is refused with the reason: the engine has no shared-mask noise shape, and DropConnect and
 * variational dropout are options of dense and recurrent layers, not layers.
 */
function dropoutLayer(layer: Layer, spec: DropoutSpec): DropoutLayerSpec {
  const { variant, rate, stddev, scaling, mode, schedule } = spec;
  if (variant === 'dropconnect' || variant === 'variational')
    return unsupported(layer, `uses ${variant} dropout, which the engine runs only as a dense-layer option`);
  if (variant === 'gaussian-noise') {
    if (!Number.isFinite(stddev))
      unsupported(layer, `has no numeric Gaussian noise σ (${JSON.stringify(spec.rawStddev)})`);
  } else if (!Number.isFinite(rate))
    unsupported(layer, `has no numeric rate (${JSON.stringify(spec.rawRate)})`);
  // An axis of size 1 in the noise shape shares one mask value along it (an axis's own size does not).
  if (spec.noiseShape?.some((d, i) => i > 0 && d !== null && d !== layer.outputShape?.[i]))
    unsupported(
      layer,
      `has noise shape [${spec.noiseShape.map((d) => d ?? '?').join(', ')}], which the engine cannot train ` +
        '(it draws one mask value per element); remove "noiseShape" or use spatial dropout',
    );
  return {
    variant,
    rate,
    ...(variant === 'gaussian-noise' ? { stddev } : {}),
    scaling,
    mode,
    ...(schedule ? { schedule } : {}),
  };
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
        const dropConnect = [layer.dropout, ...(layer.innerDropout ?? [])].find(
          (d) => d?.variant === 'dropconnect',
        )?.rate;
        if (dropConnect !== undefined && !(dropConnect >= 0 && dropConnect < 1))
          unsupported(layer, `has DropConnect rate ${dropConnect}, outside [0, 1)`);
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
        specs.push({ type: 'dropout', name, ...dropoutLayer(layer, layer.dropout) });
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
