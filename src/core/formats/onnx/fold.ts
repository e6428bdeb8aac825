// Constant folding of shape computations: the values of small tensors that exporters compute from shapes
// (Shape → Gather → Unsqueeze → Concat → Reshape, Range, ConstantOfShape ...), so that the Reshape, Expand,
// Slice or Pad reading them gets a known target. Symbolic dims ("batch") flow through as the strings
// they are and arithmetic on them gives an unknown (null); ONNX docs/Operators.md defines each op.
import type { Dim, Shape } from '../../model/ir';
import {
  axisOf,
  ints,
  rangeCount,
  shapeSpan,
  sliceArgs,
  sliceRange,
  type Attributes,
  type ShapeInputs,
  type Value,
} from './dims';

export type { Value };

/** What folding may ask about a node's inputs. */
export type FoldInputs = Pick<ShapeInputs, 'shape' | 'value' | 'given' | 'count'>;

/** Values larger than this are not folded: shape computations are tiny, weights are not. */
const MAX_FOLDED = 4096;

/** The ops this module folds (the builder asks for no other). */
export const FOLDABLE: ReadonlySet<string> = new Set([
  'Shape',
  'Size',
  'Identity',
  'Gather',
  'Slice',
  'Concat',
  'Unsqueeze',
  'Squeeze',
  'Reshape',
  'Flatten',
  'Cast',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Mod',
  'Max',
  'Min',
  'Neg',
  'Abs',
  'Floor',
  'Ceil',
  'Sqrt',
  'Equal',
  'Less',
  'Greater',
  'Not',
  'Where',
  'Range',
  'ConstantOfShape',
  'Expand',
  'ReduceProd',
  'ReduceSum',
  'ReduceMax',
  'ReduceMin',
]);

const INT_TYPES = new Set([2, 3, 4, 5, 6, 7, 9, 12, 13]);

/** Element type codes of TensorProto.DataType that hold integers (bool included). */
export function isIntType(dataType: number): boolean {
  return INT_TYPES.has(dataType);
}

const num = (d: Dim | undefined): d is number => typeof d === 'number';
const count = (dims: readonly number[]) => dims.reduce((n, d) => n * d, 1);
/** Dims a value can have: whole and not negative (a malformed file may ask for others). */
const valid = (dims: readonly number[]) => dims.every((d) => Number.isInteger(d) && d >= 0);

/** The input's values when every one is a known number. */
export function numbers(v: Value | undefined): number[] | undefined {
  return v?.data.every(num) ? (v.data as number[]) : undefined;
}

/**
 * The value of the node's output 0, when its inputs' values (or, for Shape and Size, dims) allow it.
 * `shape`: the output shape inference gave, which the ops that only reshape their data take as it is.
 */
export function foldValue(
  opType: string,
  attrs: Attributes,
  inputs: FoldInputs,
  shape: Shape | undefined,
): Value | undefined {
  const v = fold(opType, attrs, inputs, shape);
  // The ops check sizes before allocating; this keeps every value a later node reads small.
  return v && v.data.length <= MAX_FOLDED ? v : undefined;
}

function fold(
  opType: string,
  attrs: Attributes,
  inputs: FoldInputs,
  shape: Shape | undefined,
): Value | undefined {
  switch (opType) {
    case 'Shape':
      return shapeOf(inputs.shape(0), attrs);
    case 'Size': {
      const s = inputs.shape(0);
      return s && { dims: [], data: [s.every(num) ? count(s) : null], int: true };
    }
    case 'Gather':
      return gather(inputs.value(0), inputs.value(1), attrs);
    case 'Slice':
      return slice(inputs, attrs);
    case 'Concat':
      return concat(inputs, attrs);
    case 'Identity':
    case 'Unsqueeze':
    case 'Squeeze':
    case 'Reshape':
    case 'Flatten':
      return reshaped(inputs.value(0), shape);
    case 'Cast':
      return cast(inputs.value(0), attrs.to);
    case 'Neg':
    case 'Abs':
    case 'Floor':
    case 'Ceil':
    case 'Sqrt':
    case 'Not':
      return unary(opType, inputs.value(0));
    case 'Where':
      return where(inputs.value(0), inputs.value(1), inputs.value(2));
    case 'Range':
      return range(inputs.value(0), inputs.value(1), inputs.value(2));
    case 'ConstantOfShape':
      return constantOfShape(inputs.value(0), attrs.value);
    case 'Expand': {
      const v = inputs.value(0);
      const to = numbers(inputs.value(1));
      return v && to && broadcastTo(v, to);
    }
    case 'ReduceProd':
    case 'ReduceSum':
    case 'ReduceMax':
    case 'ReduceMin':
      return reduce(opType, inputs, attrs);
    default: {
      // The first operand decides: most Adds and Muls of a network read no constant value at all.
      const a = inputs.value(0);
      // Mod with fmod = 1 takes the dividend's sign (C fmod); shape computations never ask for it.
      return a && !(opType === 'Mod' && attrs.fmod === 1) ? binary(opType, a, inputs.value(1)) : undefined;
    }
  }
}

/** The same data in the output shape a reshaping op was inferred to have (Reshape, Squeeze, Flatten ...). */
function reshaped(v: Value | undefined, shape: Shape | undefined): Value | undefined {
  if (!v || !shape?.every(num) || count(shape as number[]) !== v.data.length) return undefined;
  return { dims: shape as number[], data: v.data, int: v.int };
}

function shapeOf(s: Shape | undefined, attrs: Attributes): Value | undefined {
  if (!s) return undefined;
  const data = s.slice(...shapeSpan(s.length, attrs));
  return { dims: [data.length], data, int: true };
}

function gather(data: Value | undefined, indices: Value | undefined, attrs: Attributes): Value | undefined {
  const idx = numbers(indices);
  if (!data || !indices || !idx || data.dims.length === 0) return undefined;
  const axis = axisOf(typeof attrs.axis === 'number' ? attrs.axis : 0, data.dims.length);
  const outer = count(data.dims.slice(0, axis));
  const size = data.dims[axis] as number;
  const inner = count(data.dims.slice(axis + 1));
  if (outer * idx.length * inner > MAX_FOLDED) return undefined;
  const out: Dim[] = [];
  for (let o = 0; o < outer; o++) {
    for (const i of idx) {
      const at = i < 0 ? i + size : i;
      if (!(at >= 0 && at < size)) return undefined;
      for (let k = 0; k < inner; k++) out.push(data.data[(o * size + at) * inner + k] ?? null);
    }
  }
  const dims = [...data.dims.slice(0, axis), ...indices.dims, ...data.dims.slice(axis + 1)];
  return { dims, data: out, int: data.int };
}

function slice(inputs: FoldInputs, attrs: Attributes): Value | undefined {
  const v = inputs.value(0);
  // Shape computations slice 1-D vectors; more would need strides over every axis.
  if (v?.dims.length !== 1) return undefined;
  const args = sliceArgs(attrs, inputs);
  if (args?.axes.length !== 1 || axisOf(args.axes[0] as number, 1) !== 0) return undefined;
  const [start, end] = [args.starts[0], args.ends[0]];
  if (!num(start) || !num(end)) return undefined;
  const [s, e, step] = sliceRange(v.dims[0] as number, start, end, args.steps[0] as number) as [
    number,
    number,
    number,
  ];
  const data: Dim[] = [];
  for (let i = s; step > 0 ? i < e : i > e; i += step) data.push(v.data[i] ?? null);
  return { dims: [data.length], data, int: v.int };
}

function concat(inputs: FoldInputs, attrs: Attributes): Value | undefined {
  const parts: Value[] = [];
  let length = 0;
  for (let i = 0; i < inputs.count; i++) {
    const v = inputs.value(i);
    // Concatenating vectors (or scalars, which op set 1 allowed) is what shape computations do.
    if (!v || v.dims.length > 1) return undefined;
    length += v.data.length;
    if (length > MAX_FOLDED) return undefined;
    parts.push(v);
  }
  if (parts.length === 0 || (typeof attrs.axis === 'number' && axisOf(attrs.axis, 1) !== 0)) return undefined;
  const data = parts.flatMap((p) => p.data);
  return { dims: [data.length], data, int: parts.every((p) => p.int) };
}

/** TensorProto.DataType of Cast's `to`: integer and bool targets truncate / test for non-zero. */
function cast(v: Value | undefined, to: unknown): Value | undefined {
  if (!v || typeof to !== 'number') return undefined;
  if (to === 9) return { ...v, data: v.data.map((d) => (num(d) ? (d !== 0 ? 1 : 0) : null)), int: true };
  if (!isIntType(to)) return { ...v, int: false };
  return { ...v, data: v.data.map((d) => (num(d) ? Math.trunc(d) : d)), int: true };
}

function unary(opType: string, v: Value | undefined): Value | undefined {
  if (!v) return undefined;
  const f: (x: number) => number =
    opType === 'Neg'
      ? (x) => -x
      : opType === 'Abs'
        ? Math.abs
        : opType === 'Floor'
          ? Math.floor
          : opType === 'Ceil'
            ? Math.ceil
            : opType === 'Sqrt'
              ? Math.sqrt
              : (x) => (x === 0 ? 1 : 0);
  return { ...v, data: v.data.map((d) => (num(d) ? f(d) : null)) };
}

const BINARY: Record<string, (a: number, b: number, int: boolean) => number> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  // Integer Div truncates toward zero (C semantics); float Div is exact.
  Div: (a, b, int) => (int ? Math.trunc(a / b) : a / b),
  // fmod = 0 (the default) takes the divisor's sign, as Python's % does.
  Mod: (a, b) => a - b * Math.floor(a / b),
  Max: (a, b) => Math.max(a, b),
  Min: (a, b) => Math.min(a, b),
  Equal: (a, b) => (a === b ? 1 : 0),
  Less: (a, b) => (a < b ? 1 : 0),
  Greater: (a, b) => (a > b ? 1 : 0),
};
const COMPARISONS = new Set(['Equal', 'Less', 'Greater']);

function binary(opType: string, a: Value | undefined, b: Value | undefined): Value | undefined {
  const f = BINARY[opType];
  if (!f || !a || !b) return undefined;
  const dims = broadcastDims(a.dims, b.dims);
  if (!dims) return undefined;
  const int = a.int && b.int;
  const x = broadcastTo(a, dims);
  const y = broadcastTo(b, dims);
  if (!x || !y) return undefined;
  const data = x.data.map((p, i) => {
    const q = y.data[i] as Dim;
    // A dim compared with itself is equal even when symbolic ("batch" == "batch").
    if (opType === 'Equal' && typeof p === 'string' && p === q) return 1;
    if (!num(p) || !num(q)) return null;
    const r = f(p, q, int);
    return Number.isFinite(r) ? r : null;
  });
  return { dims, data, int: int || COMPARISONS.has(opType) };
}

function broadcastDims(a: number[], b: number[]): number[] | undefined {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const p = a[a.length - rank + i] ?? 1;
    const q = b[b.length - rank + i] ?? 1;
    if (p !== q && p !== 1 && q !== 1) return undefined;
    out.push(p === 1 ? q : p);
  }
  return out;
}

/** The value repeated along broadcast axes (Expand, and the operands of elementwise ops). */
function broadcastTo(v: Value, target: number[]): Value | undefined {
  const dims = broadcastDims(v.dims, target);
  if (!dims || !valid(dims) || count(dims) > MAX_FOLDED) return undefined;
  const rank = dims.length;
  const own = [...Array<number>(rank - v.dims.length).fill(1), ...v.dims];
  const total = count(dims);
  const data: Dim[] = new Array<Dim>(total);
  for (let flat = 0; flat < total; flat++) {
    let rest = flat;
    let at = 0;
    let stride = 1;
    for (let k = rank - 1; k >= 0; k--) {
      const size = dims[k] as number;
      const i = rest % size;
      rest = Math.floor(rest / size);
      const ownSize = own[k] as number;
      at += (ownSize === 1 ? 0 : i) * stride;
      stride *= ownSize;
    }
    data[flat] = v.data[at] ?? null;
  }
  return { dims, data, int: v.int };
}

function where(c: Value | undefined, x: Value | undefined, y: Value | undefined): Value | undefined {
  if (!c || !x || !y) return undefined;
  const dims = broadcastDims(c.dims, x.dims);
  const all = dims && broadcastDims(dims, y.dims);
  const cc = all && broadcastTo(c, all);
  const xx = all && broadcastTo(x, all);
  const yy = all && broadcastTo(y, all);
  if (!all || !cc || !xx || !yy) return undefined;
  const data = cc.data.map((p, i) => (num(p) ? ((p !== 0 ? xx : yy).data[i] ?? null) : null));
  return { dims: all, data, int: x.int && y.int };
}

function range(
  start: Value | undefined,
  limit: Value | undefined,
  delta: Value | undefined,
): Value | undefined {
  const [s, l, d] = [numbers(start)?.[0], numbers(limit)?.[0], numbers(delta)?.[0]];
  if (!num(s) || !num(l) || !num(d)) return undefined;
  const n = rangeCount(s, l, d);
  if (n === undefined || n > MAX_FOLDED) return undefined;
  return { dims: [n], data: Array.from({ length: n }, (_, i) => s + i * d), int: !!start?.int };
}

/** ConstantOfShape's `value` attribute arrives as dims and dtype only: its one element is read by the builder. */
function constantOfShape(shape: Value | undefined, fill: unknown): Value | undefined {
  const dims = numbers(shape);
  if (!dims || !valid(dims) || count(dims) > MAX_FOLDED) return undefined;
  const f = fill as { value?: number; dtype?: string } | undefined;
  const x = typeof f?.value === 'number' ? f.value : 0;
  const int = f?.dtype === undefined ? false : !/float|bfloat/.test(f.dtype);
  return { dims, data: new Array<Dim>(count(dims)).fill(x), int };
}

function reduce(opType: string, inputs: FoldInputs, attrs: Attributes): Value | undefined {
  const v = inputs.value(0);
  // Shape computations reduce a vector to its product (numel) or sum; all axes of a 1-D tensor.
  if (!v || v.dims.length > 1) return undefined;
  const axes = ints(attrs.axes) ?? numbers(inputs.value(1));
  if (axes && axes.length === 0 && attrs.noop_with_empty_axes === 1) return v;
  if (axes && !axes.every((a) => axisOf(a, v.dims.length) === 0)) return undefined;
  const f =
    opType === 'ReduceProd' ? BINARY.Mul : opType === 'ReduceSum' ? BINARY.Add : BINARY[opType.slice(6)];
  const start = opType === 'ReduceProd' ? 1 : opType === 'ReduceSum' ? 0 : undefined;
  let acc: Dim | undefined = start;
  for (const d of v.data) {
    if (!num(d) || !f) return { dims: keep(v, attrs), data: [null], int: v.int };
    acc = acc === undefined || acc === null ? d : f(acc as number, d, v.int);
  }
  return acc === undefined ? undefined : { dims: keep(v, attrs), data: [acc], int: v.int };
}

const keep = (v: Value, attrs: Attributes) => (attrs.keepdims === 0 || v.dims.length === 0 ? [] : [1]);
