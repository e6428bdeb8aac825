// Output shapes of the indexing, padding, resizing, reduction and recurrent-state ops of ONNX
// (docs/Operators.md), including where their op sets moved an attribute to an input (axes, pads, split,
// scales, k). When a size cannot be known the output keeps its rank with unknown (null) dims: the rank
// is what rules need.
import type { Dim, Shape } from '../../model/ir';
import {
  axisOf,
  broadcast,
  intAttr,
  ints,
  known,
  rangeCount,
  shapeSpan,
  sliceArgs,
  sliceRange,
  type Attributes,
  type ShapeInputs,
} from './dims';

const unknownDims = (rank: number): Shape => Array<Dim>(rank).fill(null);

/** Pad: `paddings` (op set 1), `pads` (2–10), the pads input (11+) and the axes input (18+). */
export function pad(x: Shape | undefined, attrs: Attributes, inputs: ShapeInputs): Shape | undefined {
  if (!x) return undefined;
  const pads = ints(attrs.pads) ?? ints(attrs.paddings) ?? inputs.values(1);
  const axes = inputs.given(3) ? inputs.values(3) : x.map((_, i) => i);
  if (!pads || !axes || pads.length !== 2 * axes.length) return unknownDims(x.length);
  const out = [...x];
  axes.forEach((a, k) => {
    const axis = axisOf(a, x.length);
    const add = (pads[k] as number) + (pads[k + axes.length] as number);
    const d = x[axis] ?? null;
    out[axis] = add === 0 ? d : known(d) ? d + add : null;
  });
  return out;
}

/**
 * Slice: starts / ends / axes attributes (op set 1), inputs 1–4 (10+). An end that is a symbolic dim
 * ("seq") from start 0 in steps of 1 gives that dim, as `x[:, :seq]` in exported attention does.
 */
export function slice(x: Shape | undefined, attrs: Attributes, inputs: ShapeInputs): Shape | undefined {
  if (!x) return undefined;
  const args = sliceArgs(attrs, inputs);
  if (!args) return unknownDims(x.length);
  const { starts, ends, axes, steps } = args;
  const out = [...x];
  axes.forEach((a, k) => {
    const axis = axisOf(a, x.length);
    const [d, s, e, step] = [x[axis] ?? null, starts[k], ends[k], steps[k]];
    if (known(d) && known(s) && known(e) && known(step) && step !== 0) {
      const [from, to] = sliceRange(d, s, e, step) as [number, number];
      out[axis] = Math.max(0, Math.ceil((to - from) / step));
    } else if (s === 0 && step === 1 && (typeof e === 'string' || (known(e) && e >= 2 ** 31 - 1))) {
      out[axis] = known(e) ? d : e;
    } else {
      out[axis] = null;
    }
  });
  return out;
}

/** Gather: data[:axis] + indices + data[axis + 1:]. */
export function gather(
  x: Shape | undefined,
  indices: Shape | undefined,
  attrs: Attributes,
): Shape | undefined {
  if (!x || !indices) return undefined;
  const axis = axisOf(intAttr(attrs, 'axis', 0), x.length);
  return [...x.slice(0, axis), ...indices, ...x.slice(axis + 1)];
}

/** Shape's output length: the input's rank, or [start, end) of it (op set 15). */
export function shapeLength(rank: number, attrs: Attributes): number {
  const [start, end] = shapeSpan(rank, attrs);
  return end - start;
}

export function tile(x: Shape | undefined, repeats: number[] | undefined): Shape | undefined {
  if (!x) return undefined;
  if (repeats?.length !== x.length) return unknownDims(x.length);
  return x.map((d, i) => (repeats[i] === 1 ? d : known(d) ? d * (repeats[i] as number) : null));
}

/**
 * Output `output` of Split: sizes from the `split` attribute (op sets 2–11) or input (13+), else equal
 * parts, one per output (op set 18's num_outputs lets the last part be smaller).
 */
export function split(
  x: Shape | undefined,
  attrs: Attributes,
  inputs: ShapeInputs,
  output: number,
): Shape | undefined {
  if (!x) return undefined;
  const axis = axisOf(intAttr(attrs, 'axis', 0), x.length);
  const out = [...x];
  const d = x[axis] ?? null;
  const sizes = ints(attrs.split) ?? (inputs.given(1) ? inputs.values(1) : undefined);
  if (sizes) out[axis] = sizes[output] ?? null;
  else if (inputs.given(1) || !known(d)) out[axis] = null;
  else {
    const parts = intAttr(attrs, 'num_outputs', inputs.outputCount);
    const chunk = Math.ceil(d / parts);
    out[axis] = output < parts - 1 ? chunk : d - chunk * (parts - 1);
  }
  return out;
}

/**
 * Resize and Upsample: sizes, else floor(dim × scale) in float32 as ONNX computes it. Scales are an
 * attribute (Upsample-7), input 1 (Upsample-9, Resize-10) or input 2 beside roi and sizes (Resize-11+).
 */
export function resize(x: Shape | undefined, attrs: Attributes, inputs: ShapeInputs): Shape | undefined {
  if (!x) return undefined;
  const floats = (v: unknown) =>
    Array.isArray(v) && v.every((n) => typeof n === 'number') ? (v as number[]) : undefined;
  const early = inputs.count === 2;
  const scales = floats(attrs.scales) ?? inputs.values(early ? 1 : 2);
  const sizes = early ? undefined : inputs.value(3)?.data;
  const axes = (ints(attrs.axes) ?? x.map((_, i) => i)).map((a) => axisOf(a, x.length));
  const out = [...x];
  if (sizes && sizes.length > 0 && sizes.length === axes.length) {
    axes.forEach((a, k) => (out[a] = sizes[k] ?? null));
  } else if (scales && scales.length > 0 && scales.length === axes.length) {
    axes.forEach((a, k) => {
      const d = x[a] ?? null;
      const s = scales[k] as number;
      out[a] = s === 1 ? d : known(d) ? Math.floor(Math.fround(Math.fround(d) * s)) : null;
    });
  } else return unknownDims(x.length);
  return out;
}

/** The input's shape with `axes` reduced: kept as 1 (keepdims) or removed. */
export function reduced(x: Shape, axes: number[], keep: boolean): Shape {
  const set = new Set(axes.map((a) => axisOf(a, x.length)));
  return keep ? x.map((d, i) => (set.has(i) ? 1 : d)) : x.filter((_, i) => !set.has(i));
}

/** Reduce*: axes as an attribute, or an input (ReduceSum-13, the others from 18); noop_with_empty_axes. */
export function reduce(x: Shape | undefined, attrs: Attributes, inputs: ShapeInputs): Shape | undefined {
  if (!x) return undefined;
  const keep = attrs.keepdims !== 0;
  let axes = ints(attrs.axes);
  if (!axes && inputs.given(1)) {
    axes = inputs.values(1);
    if (!axes) return keep ? unknownDims(x.length) : undefined;
  }
  if (!axes || axes.length === 0) {
    if (attrs.noop_with_empty_axes === 1) return x;
    axes = x.map((_, i) => i);
  }
  return reduced(x, axes, keep);
}

/**
 * Einsum: each letter's size from the operands, the ellipsis' dims broadcast; the output as the equation
 * names it, or implicitly (ellipsis, then the letters used once, in alphabetical order).
 */
export function einsum(equation: unknown, inputs: ShapeInputs): Shape | undefined {
  if (typeof equation !== 'string') return undefined;
  const [lhs, rhs] = equation.replace(/\s/g, '').split('->') as [string, string | undefined];
  const terms = lhs.split(',');
  if (terms.length !== inputs.count) return undefined;
  const sizes = new Map<string, Dim>();
  const uses = new Map<string, number>();
  let ellipsis: Shape | undefined;
  for (let k = 0; k < terms.length; k++) {
    const s = inputs.shape(k);
    const [before, after, extra] = (terms[k] as string).split('...') as [string, string | undefined, unknown];
    if (!s || extra !== undefined) return undefined;
    const spread = after === undefined ? 0 : s.length - before.length - after.length;
    if (spread < 0 || (after === undefined && before.length !== s.length)) return undefined;
    if (after !== undefined) {
      const dims = s.slice(before.length, before.length + spread);
      ellipsis = ellipsis ? broadcast(ellipsis, dims) : dims;
    }
    const letters = before + (after ?? '');
    [...letters].forEach((c, i) => {
      const d = s[i < before.length ? i : i + spread] ?? null;
      const seen = sizes.get(c);
      // A letter of size 1 in one operand broadcasts against its size in another.
      if (seen === undefined || seen === null || seen === 1) sizes.set(c, d);
      uses.set(c, (uses.get(c) ?? 0) + 1);
    });
  }
  const output =
    rhs ??
    (ellipsis ? '...' : '') +
      [...uses]
        .filter(([, n]) => n === 1)
        .map(([c]) => c)
        .sort()
        .join('');
  const [head, tail] = output.split('...') as [string, string | undefined];
  const dims = (letters: string) => [...letters].map((c) => sizes.get(c) ?? null);
  return tail === undefined ? dims(head) : [...dims(head), ...(ellipsis ?? []), ...dims(tail)];
}

/** Range's length max(ceil((limit − start) / delta), 0), when the three scalars are known. */
export function rangeLength(inputs: ShapeInputs): Dim {
  const [s, l, d] = [inputs.values(0)?.[0], inputs.values(1)?.[0], inputs.values(2)?.[0]];
  return known(s) && known(l) && known(d) ? (rangeCount(s, l, d) ?? null) : null;
}

/** TopK's values and indices: the axis (default −1) cut to k (an attribute before op set 10, then input 1). */
export function topK(x: Shape | undefined, attrs: Attributes, inputs: ShapeInputs): Shape | undefined {
  if (!x) return undefined;
  const out = [...x];
  out[axisOf(intAttr(attrs, 'axis', -1), x.length)] =
    (typeof attrs.k === 'number' ? attrs.k : inputs.values(1)?.[0]) ?? null;
  return out;
}

/** DepthToSpace moves blocksize² channels into each spatial block; SpaceToDepth the reverse. */
export function depthSpace(opType: string, x: Shape | undefined, attrs: Attributes): Shape | undefined {
  if (x?.length !== 4) return undefined;
  const b = intAttr(attrs, 'blocksize', 1);
  const [n, c, h, w] = x as [Dim, Dim, Dim, Dim];
  const times = (d: Dim, f: number) => (known(d) ? d * f : null);
  return opType === 'DepthToSpace'
    ? [n, known(c) ? c / (b * b) : null, times(h, b), times(w, b)]
    : [n, times(c, b * b), known(h) ? h / b : null, known(w) ? w / b : null];
}

/** OneHot: the indices' shape with `depth` (input 1) inserted at `axis` (default −1, of the output). */
export function oneHot(x: Shape | undefined, attrs: Attributes, inputs: ShapeInputs): Shape | undefined {
  if (!x) return undefined;
  const out = [...x];
  out.splice(axisOf(intAttr(attrs, 'axis', -1), x.length + 1), 0, inputs.values(1)?.[0] ?? null);
  return out;
}

/** Compress keeps the slices its condition selects: along `axis`, or of the flattened input. */
export function compress(x: Shape | undefined, attrs: Attributes): Shape | undefined {
  if (typeof attrs.axis !== 'number') return [null];
  if (!x) return undefined;
  const out = [...x];
  out[axisOf(attrs.axis, x.length)] = null;
  return out;
}

/** ConvTranspose: output_shape when given, else stride·(in − 1) + output_padding + dilated kernel − pads. */
export function convTranspose(
  x: Shape | undefined,
  w: Shape | undefined,
  attrs: Attributes,
): Shape | undefined {
  if (!x || x.length < 3) return undefined;
  const spatial = x.length - 2;
  const c = w?.[1];
  const channels = known(c) ? c * intAttr(attrs, 'group', 1) : null;
  const given = ints(attrs.output_shape);
  if (given) return [x[0] ?? null, channels, ...given.slice(-spatial)];
  const kernel =
    ints(attrs.kernel_shape) ?? (w?.slice(2).every(known) ? (w.slice(2) as number[]) : undefined);
  if (kernel?.length !== spatial) return [x[0] ?? null, channels, ...unknownDims(spatial)];
  const ones = kernel.map(() => 1);
  const [strides, dilations] = [ints(attrs.strides) ?? ones, ints(attrs.dilations) ?? ones];
  const extra = ints(attrs.output_padding) ?? kernel.map(() => 0);
  const pads = ints(attrs.pads) ?? [...kernel, ...kernel].map(() => 0);
  const same = attrs.auto_pad === 'SAME_UPPER' || attrs.auto_pad === 'SAME_LOWER';
  const sizes = x.slice(2).map((d, i): Dim => {
    if (!known(d)) return null;
    const s = strides[i] ?? 1;
    if (same) return d * s;
    const extent = (dilations[i] ?? 1) * ((kernel[i] as number) - 1) + 1;
    return s * (d - 1) + (extra[i] ?? 0) + extent - (pads[i] ?? 0) - (pads[i + spatial] ?? 0);
  });
  return [x[0] ?? null, channels, ...sizes];
}

/** Y_h and Y_c of LSTM / GRU / RNN: [num_directions, batch, hidden] (layout 0) or [batch, num_directions, hidden]. */
export function rnnState(x: Shape | undefined, attrs: Attributes): Shape | undefined {
  if (x?.length !== 3 || typeof attrs.hidden_size !== 'number') return undefined;
  const directions = attrs.direction === 'bidirectional' ? 2 : 1;
  return attrs.layout === 1
    ? [x[0] ?? null, directions, attrs.hidden_size]
    : [directions, x[1] ?? null, attrs.hidden_size];
}
