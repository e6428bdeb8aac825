// Output shapes of ONNX nodes, from the input shapes, the attributes and the dims of constant inputs,
// following the operator definitions in the ONNX spec (docs/Operators.md). Used where the file itself
// stores no shape (value_info is optional).
import type { Dim, Shape } from '../../model/ir';

/** What shape inference may ask about a node's inputs. */
export interface ShapeInputs {
  /** Shape of input `i`, when known. */
  shape(i: number): Shape | undefined;
  /** Values of input `i` when it is a small constant (initializer or Constant node). */
  values(i: number): number[] | undefined;
  /** Dims of input `i` when it is a constant (initializer or Constant node), without reading its data. */
  constantDims(i: number): number[] | undefined;
  /** Number of inputs the node names (empty names included). */
  count: number;
}

export type Attributes = Record<string, unknown>;

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
  'LRN',
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
  'Not',
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
]);

export function inferShape(opType: string, attrs: Attributes, inputs: ShapeInputs): Shape | undefined {
  const x = inputs.shape(0);
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
    case 'MaxPool':
    case 'AveragePool':
    case 'LpPool':
      return x && window(x, x[1] ?? null, ints(attrs.kernel_shape), attrs);
    case 'GlobalAveragePool':
    case 'GlobalMaxPool':
      return x && [...x.slice(0, 2), ...x.slice(2).map(() => 1)];
    case 'Flatten':
      return flatten(x, attrs);
    case 'Reshape':
      return reshape(x, ints(attrs.shape) ?? inputs.values(1), attrs.allowzero === 1);
    case 'Concat':
      return concat(
        Array.from({ length: inputs.count }, (_, i) => inputs.shape(i)),
        attrs,
      );
    case 'Transpose':
      return x && (ints(attrs.perm) ?? x.map((_, i) => x.length - 1 - i)).map((p) => x[p] ?? null);
    case 'Squeeze':
      return squeeze(x, ints(attrs.axes) ?? inputs.values(1));
    case 'Unsqueeze':
      return unsqueeze(x, ints(attrs.axes) ?? inputs.values(1));
    case 'LSTM':
    case 'GRU':
    case 'RNN':
      return rnn(x, attrs);
    default:
      return undefined;
  }
}

export function ints(value: unknown): number[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'number') ? (value as number[]) : undefined;
}

function known(d: Dim | undefined): d is number {
  return typeof d === 'number';
}

function product(dims: Shape): Dim {
  return dims.every(known) ? dims.reduce((n, d) => n * d, 1) : null;
}

function broadcastDim(a: Dim, b: Dim): Dim {
  if (a === 1) return b;
  if (b === 1 || a === b) return a;
  if (known(a) && !known(b)) return a;
  if (known(b) && !known(a)) return b;
  return null;
}

/** Multidirectional (numpy) broadcasting. */
export function broadcast(a: Shape, b: Shape): Shape {
  if (a.length === b.length && a.every((d, i) => d === b[i])) return a;
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const da = a[a.length - rank + i];
    const db = b[b.length - rank + i];
    return da === undefined ? (db ?? null) : db === undefined ? da : broadcastDim(da, db);
  });
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
  if (!kernel || kernel.length !== spatial) return undefined;
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

function reshape(x: Shape | undefined, target: number[] | undefined, allowZero: boolean): Shape | undefined {
  if (!target) return undefined;
  const out: Shape = target.map((d, i) => (d === 0 && !allowZero ? (x?.[i] ?? null) : d));
  const hole = out.indexOf(-1);
  if (hole >= 0) {
    const total = x ? product(x) : null;
    const rest = product(out.filter((_, i) => i !== hole));
    out[hole] = known(total) && known(rest) && rest !== 0 ? total / rest : null;
  }
  return out;
}

function concat(shapes: (Shape | undefined)[], attrs: Attributes): Shape | undefined {
  const first = shapes[0];
  if (!first || typeof attrs.axis !== 'number') return undefined;
  const axis = attrs.axis < 0 ? attrs.axis + first.length : attrs.axis;
  const along = shapes.map((s) => s?.[axis]);
  const out = [...first];
  out[axis] = along.every(known) ? along.reduce((n, d) => n + d, 0) : null;
  return out;
}

function squeeze(x: Shape | undefined, axes: number[] | undefined): Shape | undefined {
  if (!x) return undefined;
  if (!axes) return x.every(known) ? x.filter((d) => d !== 1) : undefined;
  const drop = new Set(axes.map((a) => (a < 0 ? a + x.length : a)));
  return x.filter((_, i) => !drop.has(i));
}

function unsqueeze(x: Shape | undefined, axes: number[] | undefined): Shape | undefined {
  if (!x || !axes) return undefined;
  const rank = x.length + axes.length;
  const add = new Set(axes.map((a) => (a < 0 ? a + rank : a)));
  const rest = [...x];
  return Array.from({ length: rank }, (_, i) => (add.has(i) ? 1 : (rest.shift() ?? null)));
}

/** Y of LSTM / GRU / RNN: [seq_length, num_directions, batch_size, hidden_size] (layout 0). */
function rnn(x: Shape | undefined, attrs: Attributes): Shape | undefined {
  if (x?.length !== 3 || typeof attrs.hidden_size !== 'number') return undefined;
  const directions = attrs.direction === 'bidirectional' ? 2 : 1;
  return attrs.layout === 1
    ? [x[0] ?? null, x[1] ?? null, directions, attrs.hidden_size]
    : [x[0] ?? null, directions, x[1] ?? null, attrs.hidden_size];
}
