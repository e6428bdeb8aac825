// ONNX operators of the graph executor, by op type, with the attribute defaults of the ONNX spec.
// Softmax and LogSoftmax changed meaning at op set 13: before, the input is flattened to 2-D at
// `axis` (default 1); from 13 on, they work along `axis` alone (default −1).
import type { Layer } from '../../model/ir';
import { EngineError } from '../engine-error';
import { sizeOf, type Tensor } from '../tensor';
import { activation, batchNorm, dropout, scale, type Op } from './ops';
import { conv, pool } from './spatial';
import { axisOf, binary, concat, matmul, softmaxAxis, softmaxLast, tensor, transpose } from './tensor-ops';

const num = (v: unknown, fallback: number): number => (typeof v === 'number' ? v : fallback);
const ints = (v: unknown): number[] | undefined => (Array.isArray(v) ? (v as number[]) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function need(x: Tensor | undefined, what: string): Tensor {
  if (!x) throw new EngineError(`missing input ${what}`);
  return x;
}

const T2 = [1, 0];

function softmaxOp(log: boolean): Op {
  return ([x], { layer, opset }) => {
    const input = need(x, 'input');
    const axis = layer.attributes.axis;
    if (opset >= 13) return [softmaxAxis(input, num(axis, -1), log)];
    const a = axisOf(num(axis, 1), input.shape.length);
    const rows = tensor(
      [sizeOf(input.shape.slice(0, a)), sizeOf(input.shape.slice(a))],
      input.data as Float32Array,
    );
    return [tensor(input.shape, softmaxLast(rows, log).data as Float32Array)];
  };
}

function windowOf(layer: Layer, kernel: number[]) {
  const a = layer.attributes;
  return {
    kernel,
    strides: ints(a.strides),
    dilations: ints(a.dilations),
    pads: ints(a.pads),
    autoPad: str(a.auto_pad),
    ceilMode: a.ceil_mode === 1,
  };
}

function poolOp(kind: 'max' | 'avg'): Op {
  return ([x], { layer }) => {
    const a = layer.attributes;
    const kernel = ints(a.kernel_shape);
    if (!kernel) throw new EngineError('pooling needs kernel_shape');
    return [pool(need(x, 'X'), kind, windowOf(layer, kernel), a.count_include_pad === 1)];
  };
}

const arithmetic = (f: (a: number, b: number) => number): Op => {
  return ([a, b]) => [binary(need(a, 'A'), need(b, 'B'), f)];
};

/** Dropout of every op set: a ratio attribute (< 12) or input; training_mode (≥ 12) switches it on. */
const dropoutOp: Op = (inputs, ctx) => {
  const x = need(inputs[0], 'data');
  const a = ctx.layer.attributes;
  const rate = ctx.opset >= 12 ? (inputs[1]?.data[0] ?? 0.5) : num(a.ratio, 0.5);
  const training = ctx.opset >= 12 && (inputs[2]?.data[0] ?? 0) !== 0;
  return dropout(x, rate, { ...ctx, stochastic: ctx.stochastic || training });
};

function reshape(x: Tensor, target: readonly number[], allowZero: boolean): Tensor {
  const shape = target.map((d, i) => (d === 0 && !allowZero ? (x.shape[i] as number) : d));
  const known = shape.reduce((n, d) => (d === -1 ? n : n * d), 1);
  const resolved = shape.map((d) => (d === -1 ? x.data.length / known : d));
  if (sizeOf(resolved) !== x.data.length) throw new EngineError(`cannot reshape [${x.shape}] to [${target}]`);
  return tensor(resolved, x.data as Float32Array);
}

export const ONNX_OPS: ReadonlyMap<string, Op> = new Map<string, Op>([
  [
    'Gemm',
    ([a, b, c], { layer, kernels }) => {
      const at = layer.attributes;
      const A = at.transA === 1 ? transpose(need(a, 'A'), T2) : need(a, 'A');
      const B = at.transB === 1 ? transpose(need(b, 'B'), T2) : need(b, 'B');
      const y = scale(matmul(A, B, kernels), num(at.alpha, 1));
      const beta = num(at.beta, 1);
      return [c ? binary(y, c, (u, v) => u + beta * v) : y];
    },
  ],
  ['MatMul', ([a, b], { kernels }) => [matmul(need(a, 'A'), need(b, 'B'), kernels)]],
  ['Add', arithmetic((a, b) => a + b)],
  ['Sub', arithmetic((a, b) => a - b)],
  ['Mul', arithmetic((a, b) => a * b)],
  ['Div', arithmetic((a, b) => a / b)],
  ['Relu', ([x], { kernels }) => [activation(need(x, 'X'), 'relu', kernels)]],
  ['Sigmoid', ([x], { kernels }) => [activation(need(x, 'X'), 'sigmoid', kernels)]],
  ['Tanh', ([x], { kernels }) => [activation(need(x, 'X'), 'tanh', kernels)]],
  [
    'LeakyRelu',
    ([x], { layer, kernels }) => [
      activation(need(x, 'X'), 'leaky-relu', kernels, num(layer.attributes.alpha, 0.01)),
    ],
  ],
  [
    'Elu',
    ([x], { layer, kernels }) => [activation(need(x, 'X'), 'elu', kernels, num(layer.attributes.alpha, 1))],
  ],
  [
    // SELU is γ·ELU_α; the spec's defaults are the float32 forms of Klambauer et al.'s constants.
    'Selu',
    ([x], { layer, kernels }) => {
      const a = layer.attributes;
      const elu = activation(need(x, 'X'), 'elu', kernels, num(a.alpha, 1.67326319217681884765625));
      return [scale(elu, num(a.gamma, 1.05070102214813232421875))];
    },
  ],
  [
    'Gelu',
    ([x], { layer, kernels }) => {
      const input = need(x, 'X');
      if (layer.attributes.approximate !== 'tanh') return [activation(input, 'gelu', kernels)];
      const c = Math.sqrt(2 / Math.PI);
      const y = tensor(input.shape);
      input.data.forEach((v, i) => (y.data[i] = 0.5 * v * (1 + Math.tanh(c * (v + 0.044715 * v * v * v)))));
      return [y];
    },
  ],
  ['Softmax', softmaxOp(false)],
  ['LogSoftmax', softmaxOp(true)],
  [
    'Conv',
    ([x, w, b], { layer, kernels }) => {
      const weight = need(w, 'W');
      const window = windowOf(layer, weight.shape.slice(2));
      const group = num(layer.attributes.group, 1);
      return [conv(need(x, 'X'), weight, b, { ...window, group }, kernels)];
    },
  ],
  ['MaxPool', poolOp('max')],
  ['AveragePool', poolOp('avg')],
  [
    'GlobalAveragePool',
    ([x]) => {
      const input = need(x, 'X');
      return [pool(input, 'avg', { kernel: input.shape.slice(2) })];
    },
  ],
  [
    'BatchNormalization',
    ([x, gamma, beta, mean, variance], { layer, kernels }) => {
      const stats = { gamma: need(gamma, 'scale'), beta: need(beta, 'B'), mean: need(mean, 'mean') };
      const eps = num(layer.attributes.epsilon, 1e-5);
      return [batchNorm(need(x, 'X'), { ...stats, variance: need(variance, 'var') }, eps, kernels)];
    },
  ],
  [
    'Flatten',
    ([x], { layer }) => {
      const input = need(x, 'input');
      const axis = num(layer.attributes.axis, 1);
      const a = axis < 0 ? axis + input.shape.length : axis;
      const shape = [sizeOf(input.shape.slice(0, a)), sizeOf(input.shape.slice(a))];
      return [tensor(shape, input.data as Float32Array)];
    },
  ],
  [
    'Reshape',
    ([x, shape], { layer, opset }) => {
      const target = opset >= 5 ? Array.from(need(shape, 'shape').data) : ints(layer.attributes.shape);
      if (!target) throw new EngineError('Reshape needs a shape');
      return [reshape(need(x, 'data'), target, layer.attributes.allowzero === 1)];
    },
  ],
  [
    'Transpose',
    ([x], { layer }) => {
      const input = need(x, 'data');
      const perm = ints(layer.attributes.perm) ?? input.shape.map((_, i) => input.shape.length - 1 - i);
      return [transpose(input, perm)];
    },
  ],
  [
    'Concat',
    (inputs, { layer }) => [
      concat(
        inputs.filter((x): x is Tensor => !!x),
        num(layer.attributes.axis, 0),
      ),
    ],
  ],
  ['Identity', ([x]) => [need(x, 'input')]],
  ['Dropout', dropoutOp],
]);

/** Why a node cannot run although its op is in the table (outputs or modes the executor lacks). */
export function onnxNodeLimit(layer: Layer): string | undefined {
  const outputs = (layer.tensors?.outputs ?? []).filter((o) => o !== '');
  if (layer.originalOp === 'MaxPool' && outputs.length > 1) return 'its Indices output is not supported';
  if (
    layer.originalOp === 'BatchNormalization' &&
    (layer.attributes.training_mode === 1 || outputs.length > 1)
  )
    return 'training mode is not supported';
  if (layer.attributes.domain !== undefined)
    return `domain "${String(layer.attributes.domain)}" is not supported`;
  return undefined;
}
