// Output shapes of ONNX nodes, from the input shapes, the attributes and the dims of constant inputs,
// following the operator definitions in the ONNX spec (docs/Operators.md). Used where the file itself
// stores no shape (value_info is optional).
import type { Dim, Shape } from '../../model/ir';
import { axisOf, broadcast, ints, known, ofRank, product, type Attributes, type ShapeInputs } from './dims';
import {
  compress,
  convTranspose,
  depthSpace,
  einsum,
  gather,
  oneHot,
  pad,
  rangeLength,
  reduce,
  reduced,
  resize,
  rnnState,
  shapeLength,
  slice,
  split,
  tile,
  topK,
} from './shape-ops';

export { broadcast, ints, type Attributes, type ShapeInputs };

/** Ops whose output has their first input's shape (PRelu broadcasts its slope to X, one way). */
const SAME_AS_INPUT = new Set([
  'Identity',
  'Dropout',
  'BatchNormalization',
  'LayerNormalization',
  'InstanceNormalization',
  'Relu',
  'LeakyRelu',
  'PRelu',
  'Elu',
  'Selu',
  'Gelu',
  'Tanh',
  'Sigmoid',
  'HardSigmoid',
  'Softplus',
  'Softsign',
  'HardSwish',
  'Mish',
  'Clip',
  'Softmax',
  'LogSoftmax',
  'Cast',
  'CastLike',
  'LRN',
  'Celu',
  'ThresholdedRelu',
  'Shrink',
  'Hardmax',
  'LpNormalization',
  'MeanVarianceNormalization',
  'CumSum',
  'Trilu',
  'EyeLike',
  'Bernoulli',
  'RandomUniformLike',
  'RandomNormalLike',
  'QuantizeLinear',
  'DequantizeLinear',
  'ScatterElements',
  'ScatterND',
  'Scatter',
  'ReverseSequence',
]);

/** Elementwise ops of one input: the output has the input's shape. */
export const ELEMENTWISE_UNARY: ReadonlySet<string> = new Set([
  'Neg',
  'Abs',
  'Sqrt',
  'Reciprocal',
  'Exp',
  'Log',
  'Erf',
  'Floor',
  'Ceil',
  'Round',
  'Sign',
  'Sin',
  'Cos',
  'Tan',
  'Asin',
  'Acos',
  'Atan',
  'Sinh',
  'Cosh',
  'Asinh',
  'Acosh',
  'Atanh',
  'Not',
  'IsNaN',
  'IsInf',
]);

/** Elementwise ops with multidirectional (numpy) broadcasting of all inputs (ONNX docs/Broadcasting.md). */
export const ELEMENTWISE_BROADCAST: ReadonlySet<string> = new Set([
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Pow',
  'Mod',
  'Max',
  'Min',
  'Sum',
  'Mean',
  'Equal',
  'Greater',
  'GreaterOrEqual',
  'Less',
  'LessOrEqual',
  'And',
  'Or',
  'Xor',
  'Where',
  'BitShift',
]);

/**
 * The shape of the node's output `output` (0 unless the op has several: Split, TopK, an RNN's Y_h and Y_c,
 * a Dropout's mask, a training BatchNormalization's running statistics ...).
 */
export function inferShape(
  opType: string,
  attrs: Attributes,
  inputs: ShapeInputs,
  output = 0,
): Shape | undefined {
  const x = inputs.shape(0);
  if (output > 0) return otherOutput(opType, attrs, inputs, output);
  if (SAME_AS_INPUT.has(opType) || ELEMENTWISE_UNARY.has(opType)) return x;
  if (ELEMENTWISE_BROADCAST.has(opType)) {
    let out = x;
    for (let i = 1; out && i < inputs.count; i++) {
      const s = inputs.shape(i);
      out = s && broadcast(out, s);
    }
    return out;
  }
  switch (opType) {
    case 'Gemm':
      return gemm(x, inputs.shape(1), attrs);
    case 'MatMul':
      return matmul(x, inputs.shape(1));
    case 'Conv':
      return conv(x, inputs.shape(1), attrs);
    case 'ConvTranspose':
      return convTranspose(x, inputs.shape(1), attrs);
    case 'MaxPool':
    case 'AveragePool':
    case 'LpPool':
      return x && window(x, x[1] ?? null, ints(attrs.kernel_shape), attrs);
    case 'GlobalAveragePool':
    case 'GlobalMaxPool':
    case 'GlobalLpPool':
      return x && [...x.slice(0, 2), ...x.slice(2).map(() => 1)];
    case 'Flatten':
      return flatten(x, attrs);
    case 'Reshape':
      return reshape(x, ints(attrs.shape) ?? dimsOf(inputs, 1), attrs.allowzero === 1);
    case 'Concat':
      return concat(
        Array.from({ length: inputs.count }, (_, i) => inputs.shape(i)),
        attrs,
      );
    case 'Transpose':
      return x && (ints(attrs.perm) ?? x.map((_, i) => x.length - 1 - i)).map((p) => x[p] ?? null);
    case 'Squeeze':
      // Axes fed at run time (op set 13+) leave the rank unknown; no axes at all drop every 1.
      return squeeze(x, inputs.given(1) || attrs.axes ? (ints(attrs.axes) ?? inputs.values(1)) : null);
    case 'Unsqueeze':
      return unsqueeze(x, ints(attrs.axes) ?? inputs.values(1), inputs.shape(1));
    case 'LSTM':
    case 'GRU':
    case 'RNN':
      return rnn(x, attrs);
    case 'Pad':
      return pad(x, attrs, inputs);
    case 'Slice':
      return slice(x, attrs, inputs);
    case 'Gather':
      return gather(x, inputs.shape(1), attrs);
    case 'GatherElements':
      return inputs.shape(1);
    case 'Shape':
      return x && [shapeLength(x.length, attrs)];
    case 'Size':
      return x && [];
    case 'Expand': {
      const to = dimsOf(inputs, 1);
      return x && to && broadcast(x, to);
    }
    case 'Tile':
      return tile(x, inputs.values(1));
    case 'Split':
      return split(x, attrs, inputs, 0);
    case 'Resize':
    case 'Upsample':
      return resize(x, attrs, inputs);
    case 'ArgMax':
    case 'ArgMin':
      return x && reduced(x, [typeof attrs.axis === 'number' ? attrs.axis : 0], attrs.keepdims !== 0);
    case 'Einsum':
      return einsum(attrs.equation, inputs);
    case 'Range':
      return [rangeLength(inputs)];
    case 'ConstantOfShape':
      return dimsOf(inputs, 0);
    case 'RandomUniform':
    case 'RandomNormal':
      return ints(attrs.shape);
    case 'TopK':
      return topK(x, attrs, inputs);
    case 'NonZero':
      return x && [x.length, null];
    case 'DepthToSpace':
    case 'SpaceToDepth':
      return depthSpace(opType, x, attrs);
    case 'OneHot':
      return oneHot(x, attrs, inputs);
    case 'Det':
      return x && x.slice(0, -2);
    case 'Compress':
      return compress(x, attrs);
    default:
      return opType.startsWith('Reduce') ? reduce(x, attrs, inputs) : undefined;
  }
}

/** Outputs after the first: what each multi-output op's spec gives them. */
function otherOutput(
  opType: string,
  attrs: Attributes,
  inputs: ShapeInputs,
  output: number,
): Shape | undefined {
  const x = inputs.shape(0);
  switch (opType) {
    case 'Dropout': // the mask
    case 'MaxPool': // the indices
    case 'TopK': // the indices
      return inferShape(opType, attrs, inputs);
    case 'Split':
      return split(x, attrs, inputs, output);
    case 'BatchNormalization': // running (or saved) mean and variance, per channel
      return x && x.length >= 2 ? [x[1] ?? null] : undefined;
    case 'LayerNormalization': {
      // Mean and InvStdDev: X's shape with the normalised axes kept as 1.
      if (!x) return undefined;
      const axis = axisOf(typeof attrs.axis === 'number' ? attrs.axis : -1, x.length);
      return x.map((d, i) => (i < axis ? d : 1));
    }
    case 'LSTM':
    case 'GRU':
    case 'RNN':
      return rnnState(x, attrs);
    default:
      return undefined;
  }
}

/**
 * A 1-D input that holds dims (a Reshape target, Expand's shape, ConstantOfShape's input): its folded
 * values, or when only its length is known, that many unknown dims (the output's rank is still known).
 */
function dimsOf(inputs: ShapeInputs, i: number): Shape | undefined {
  const v = inputs.value(i);
  if (v) return v.dims.length === 1 ? v.data : undefined;
  const s = inputs.shape(i);
  return s?.length === 1 ? ofRank(s[0]) : undefined;
}

function gemm(a: Shape | undefined, b: Shape | undefined, attrs: Attributes): Shape | undefined {
  if (a?.length !== 2 || b?.length !== 2) return undefined;
  return [(attrs.transA === 1 ? a[1] : a[0]) ?? null, (attrs.transB === 1 ? b[0] : b[1]) ?? null];
}

function matmul(a: Shape | undefined, b: Shape | undefined): Shape | undefined {
  if (!a || !b || a.length === 0 || b.length === 0) return undefined;
  const left = a.length === 1 ? [1, a[0] as Dim] : a;
  const right = b.length === 1 ? [b[0] as Dim, 1] : b;
  const batch = broadcast(left.slice(0, -2), right.slice(0, -2));
  const out = [...batch, left[left.length - 2] as Dim, right[right.length - 1] as Dim];
  if (a.length === 1) out.splice(out.length - 2, 1);
  if (b.length === 1) out.pop();
  return out;
}

function conv(x: Shape | undefined, w: Shape | undefined, attrs: Attributes): Shape | undefined {
  if (!x || x.length < 3) return undefined;
  const kernel =
    ints(attrs.kernel_shape) ?? (w?.slice(2).every(known) ? (w.slice(2) as number[]) : undefined);
  return window(x, w?.[0] ?? null, kernel, attrs);
}

/** Sliding-window output size (Conv and pooling): pads, strides, dilations, auto_pad and ceil_mode. */
function window(x: Shape, channels: Dim, kernel: number[] | undefined, attrs: Attributes): Shape | undefined {
  const spatial = x.length - 2;
  if (kernel?.length !== spatial) return [x[0] ?? null, channels, ...x.slice(2).map(() => null)];
  const strides = ints(attrs.strides) ?? kernel.map(() => 1);
  const dilations = ints(attrs.dilations) ?? kernel.map(() => 1);
  const pads = ints(attrs.pads) ?? [...kernel.map(() => 0), ...kernel.map(() => 0)];
  const autoPad = typeof attrs.auto_pad === 'string' ? attrs.auto_pad : 'NOTSET';
  const ceil = attrs.ceil_mode === 1;
  const sizes = x.slice(2).map((d, i): Dim => {
    const k = kernel[i] as number;
    const s = strides[i] ?? 1;
    const extent = (dilations[i] ?? 1) * (k - 1) + 1;
    if (!known(d)) return null;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return Math.ceil(d / s);
    if (autoPad === 'VALID') return Math.ceil((d - extent + 1) / s);
    const begin = pads[i] ?? 0;
    const span = d + begin + (pads[i + spatial] ?? 0) - extent;
    let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
    // With ceil_mode, a last window that would start inside the end padding is dropped.
    if (ceil && (out - 1) * s >= d + begin) out -= 1;
    return out;
  });
  return [x[0] ?? null, channels, ...sizes];
}

function flatten(x: Shape | undefined, attrs: Attributes): Shape | undefined {
  if (!x) return undefined;
  const raw = typeof attrs.axis === 'number' ? attrs.axis : 1;
  const axis = raw < 0 ? raw + x.length : raw;
  if (axis < 0 || axis > x.length) return undefined;
  return [product(x.slice(0, axis)), product(x.slice(axis))];
}

function reshape(x: Shape | undefined, target: Shape | undefined, allowZero: boolean): Shape | undefined {
  if (!target) return undefined;
  const out: Shape = target.map((d, i) => (d === 0 && !allowZero ? (x?.[i] ?? null) : d));
  const hole = out.indexOf(-1);
  if (hole >= 0)
    out[hole] = x
      ? quotient(
          x,
          out.filter((_, i) => i !== hole),
        )
      : null;
  return out;
}

/**
 * The size of Reshape's -1: the input's element count over the other target dims, symbolic dims on
 * both sides cancelling ([batch, seq, 12, 64] to [batch, seq, -1] gives 768).
 */
function quotient(whole: Shape, part: Shape): Dim {
  const symbols = whole.filter((d) => typeof d === 'string');
  let numerator = 1;
  let denominator = 1;
  for (const d of whole) if (known(d)) numerator *= d;
  for (const d of part) {
    if (known(d)) denominator *= d;
    else {
      const at = d === null ? -1 : symbols.indexOf(d);
      if (at < 0) return null;
      symbols.splice(at, 1);
    }
  }
  if (symbols.length > 0 || whole.includes(null) || denominator === 0) return null;
  return Number.isInteger(numerator / denominator) ? numerator / denominator : null;
}

/** Concat: the inputs' sizes along the axis add up; every other dim is the one any input knows. */
function concat(shapes: (Shape | undefined)[], attrs: Attributes): Shape | undefined {
  const first = shapes.find((s) => s !== undefined);
  if (!first || typeof attrs.axis !== 'number') return undefined;
  const axis = axisOf(attrs.axis, first.length);
  return first.map((d, i) => {
    if (i !== axis) return known(d) ? d : (shapes.map((s) => s?.[i]).find(known) ?? d);
    const along = shapes.map((s) => s?.[axis]);
    return along.every(known) ? along.reduce((n, a) => n + a, 0) : null;
  });
}

function squeeze(x: Shape | undefined, axes: number[] | null | undefined): Shape | undefined {
  if (!x || axes === undefined) return undefined;
  if (axes === null) return x.every(known) ? x.filter((d) => d !== 1) : undefined;
  const drop = new Set(axes.map((a) => axisOf(a, x.length)));
  return x.filter((_, i) => !drop.has(i));
}

/** `axesShape`: when the axes are an input whose values are unknown, its length still gives the rank. */
function unsqueeze(
  x: Shape | undefined,
  axes: number[] | undefined,
  axesShape: Shape | undefined,
): Shape | undefined {
  if (!x) return undefined;
  if (!axes) {
    const n = axesShape?.length === 1 ? axesShape[0] : undefined;
    return known(n) && n >= 0 ? ofRank(x.length + n) : undefined;
  }
  const rank = x.length + axes.length;
  const add = new Set(axes.map((a) => axisOf(a, rank)));
  const rest = [...x];
  return Array.from({ length: rank }, (_, i) => (add.has(i) ? 1 : (rest.shift() ?? null)));
}

function rnn(x: Shape | undefined, attrs: Attributes): Shape | undefined {
  if (x?.length !== 3 || typeof attrs.hidden_size !== 'number') return undefined;
  const directions = attrs.direction === 'bidirectional' ? 2 : 1;
  return attrs.layout === 1
    ? [x[0] ?? null, x[1] ?? null, directions, attrs.hidden_size]
    : [x[0] ?? null, directions, x[1] ?? null, attrs.hidden_size];
}
