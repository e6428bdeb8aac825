// TensorFlow.js layers (Keras classes) for the graph executor, with their weights from the model's
// manifest. Keras tensors are channels-last: convolutions and pooling move channels to axis 1 for the
// shared NCHW code and back. Dropout-family layers are the identity at inference.
import { layersWeights } from '../../formats/keras/weights';
import { loadTfjsWeights } from '../../formats/tfjs/weights';
import type { ModelSource } from '../../formats/reader';
import type { Graph, Layer } from '../../model/ir';
import type { ActivationName } from '../../model/network-spec';
import { ACTIVATION_NAMES } from '../layers/activations';
import { EngineError } from '../engine-error';
import { sizeOf, type Tensor } from '../tensor';
import { activation, batchNorm, type Op, type OpContext } from './ops';
import { tfjsDropoutOp } from './tfjs-dropout';
import { conv, pool, type WindowAttributes } from './spatial';
import { axisOf, binary, concat, matmul, softmaxAxis, tensor, transpose } from './tensor-ops';

export async function loadTfjsLayerWeights(graph: Graph, source?: ModelSource): Promise<Map<string, Tensor>> {
  if (!source) throw new EngineError(`${graph.name}: the weights need the model file's location`);
  const weights = layersWeights(graph, source);
  if (weights.manifest.length === 0) return new Map();
  const loaded = await loadTfjsWeights(weights.manifest, weights.source, graph.format);
  return new Map([...loaded].map(([name, w]) => [name, tensor(w.shape, Float32Array.from(w.values))]));
}

const list = (v: unknown, rank: number, fallback: number): number[] =>
  Array.isArray(v) ? (v as number[]) : new Array<number>(rank).fill(typeof v === 'number' ? v : fallback);

function need(x: Tensor | undefined): Tensor {
  if (!x) throw new EngineError('missing input');
  return x;
}

/** [N, ...spatial, C] ⇄ [N, C, ...spatial]. */
const toFirst = (rank: number) => [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
const toLast = (rank: number) => [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];

function channelsFirst(layer: Layer, x: Tensor, f: (x: Tensor) => Tensor): Tensor {
  if (layer.attributes.data_format === 'channels_first') return f(x);
  const rank = x.shape.length;
  return transpose(f(transpose(x, toFirst(rank))), toLast(rank));
}

function fused(layer: Layer, x: Tensor, ctx: OpContext): Tensor {
  const kind = layer.activation ?? 'linear';
  return kind === 'linear' ? x : activation(x, kind as ActivationName, ctx.kernels);
}

function window(layer: Layer, spatial: number, kernel: number[]): WindowAttributes {
  const a = layer.attributes;
  return {
    kernel,
    strides: list(a.strides, spatial, 1),
    dilations: list(a.dilation_rate, spatial, 1),
    autoPad: a.padding === 'same' ? 'SAME_UPPER' : 'VALID',
  };
}

const convOp: Op = ([x], ctx) => {
  const kernel = ctx.weight('kernel');
  const rank = kernel.shape.length;
  // Keras [...k, in, out] → ONNX [out, in, ...k].
  const w = transpose(kernel, [rank - 1, rank - 2, ...Array.from({ length: rank - 2 }, (_, i) => i)]);
  const bias = ctx.layer.attributes.use_bias === false ? undefined : ctx.weight('bias');
  const attrs = window(ctx.layer, rank - 2, w.shape.slice(2));
  const y = channelsFirst(ctx.layer, need(x), (v) => conv(v, w, bias, attrs, ctx.kernels));
  return [fused(ctx.layer, y, ctx)];
};

function poolOp(kind: 'max' | 'avg', spatial: number): Op {
  return ([x], { layer }) => {
    const size = list(layer.attributes.pool_size, spatial, 2);
    const attrs = {
      ...window(layer, spatial, size),
      strides: list(layer.attributes.strides ?? size, spatial, 2),
    };
    return [channelsFirst(layer, need(x), (v) => pool(v, kind, attrs))];
  };
}

/** Pooled [N, C, 1…] (or [N, 1…, C]) → its batch and channel sizes. */
function channelsLastShape(layer: Layer, shape: number[]): [number, number] {
  const c = layer.attributes.data_format === 'channels_first' ? shape[1] : shape[shape.length - 1];
  return [shape[0] as number, c as number];
}

const globalPool: Op = ([x], { layer }) => {
  const input = need(x);
  const pooled = channelsFirst(layer, input, (v) => pool(v, 'avg', { kernel: v.shape.slice(2) }));
  const [n, c] = channelsLastShape(layer, pooled.shape);
  return [tensor([n, c], pooled.data as Float32Array)];
};

const batchNormOp: Op = ([x], ctx) => {
  const input = need(x);
  const a = ctx.layer.attributes;
  const axis = axisOf(typeof a.axis === 'number' ? a.axis : -1, input.shape.length);
  const c = input.shape[axis] as number;
  const ones = tensor([c], new Float32Array(c).fill(1));
  const stats = {
    gamma: a.scale === false ? ones : ctx.weight('gamma'),
    beta: a.center === false ? tensor([c]) : ctx.weight('beta'),
    mean: ctx.weight('moving_mean'),
    variance: ctx.weight('moving_variance'),
  };
  const eps = typeof a.epsilon === 'number' ? a.epsilon : 1e-3;
  const perm = [0, axis, ...input.shape.map((_, i) => i).filter((i) => i !== 0 && i !== axis)];
  const back = perm.map((_, d) => perm.indexOf(d));
  return [transpose(batchNorm(transpose(input, perm), stats, eps, ctx.kernels), back)];
};

const OPS: Record<string, Op> = {
  Dense: ([x], ctx) => {
    const y = matmul(need(x), ctx.weight('kernel'), ctx.kernels);
    const biased =
      ctx.layer.attributes.use_bias === false ? y : binary(y, ctx.weight('bias'), (u, v) => u + v);
    return [fused(ctx.layer, biased, ctx)];
  },
  Conv1D: convOp,
  Conv2D: convOp,
  MaxPooling1D: poolOp('max', 1),
  MaxPooling2D: poolOp('max', 2),
  AveragePooling1D: poolOp('avg', 1),
  AveragePooling2D: poolOp('avg', 2),
  GlobalAveragePooling1D: globalPool,
  GlobalAveragePooling2D: globalPool,
  BatchNormalization: batchNormOp,
  Flatten: ([x]) => {
    const input = need(x);
    return [tensor([input.shape[0] as number, sizeOf(input.shape.slice(1))], input.data as Float32Array)];
  },
  Reshape: ([x], { layer }) => {
    const input = need(x);
    const target = layer.attributes.target_shape as number[];
    const known = sizeOf(target.filter((d) => d !== -1));
    const rest = input.data.length / (input.shape[0] as number) / known;
    return [
      tensor(
        [input.shape[0] as number, ...target.map((d) => (d === -1 ? rest : d))],
        input.data as Float32Array,
      ),
    ];
  },
  Activation: ([x], ctx) => [fused(ctx.layer, need(x), ctx)],
  Softmax: ([x], { layer }) => [
    softmaxAxis(need(x), typeof layer.attributes.axis === 'number' ? layer.attributes.axis : -1, false),
  ],
  Add: (inputs) => [inputs.map(need).reduce((a, b) => binary(a, b, (u, v) => u + v))],
  Concatenate: (inputs, { layer }) => [
    concat(inputs.map(need), typeof layer.attributes.axis === 'number' ? layer.attributes.axis : -1),
  ],
  Dropout: tfjsDropoutOp,
  SpatialDropout1D: tfjsDropoutOp,
  SpatialDropout2D: tfjsDropoutOp,
  GaussianDropout: tfjsDropoutOp,
  AlphaDropout: tfjsDropoutOp,
  SpatialDropout3D: tfjsDropoutOp,
  GaussianNoise: tfjsDropoutOp,
};

export function tfjsOp(layer: Layer): Op | undefined {
  return Object.prototype.hasOwnProperty.call(OPS, layer.originalOp) ? OPS[layer.originalOp] : undefined;
}

/** Why a layer of a known class cannot run (a fused activation the engine lacks). */
export function tfjsLayerLimit(layer: Layer): string | undefined {
  const kind = layer.activation;
  if (kind && kind !== 'linear' && !(ACTIVATION_NAMES as readonly string[]).includes(kind))
    return `activation "${kind}" is not supported`;
  return undefined;
}
