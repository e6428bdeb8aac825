// Small helpers over dims and attribute values that shape inference and constant folding share.
import type { Dim, Shape } from '../../model/ir';

export type Attributes = Record<string, unknown>;

/** A small tensor's value, row-major. `int`: an integer or bool element type (Div truncates, Cast rounds). */
export interface Value {
  dims: number[];
  data: Dim[];
  int: boolean;
}

/** What shape inference may ask about a node's inputs. */
export interface ShapeInputs {
  /** Shape of input `i`, when known. */
  shape(i: number): Shape | undefined;
  /** Values of input `i` when it is a small constant or folded from one, every one a known number. */
  values(i: number): number[] | undefined;
  /** Value of input `i` when it is a small constant or folded from one; dims in it may be symbolic. */
  value(i: number): Value | undefined;
  /** Dims of input `i` when it is a constant (initializer or Constant node), without reading its data. */
  constantDims(i: number): number[] | undefined;
  /** Input `i` is named (an optional input left out has an empty name). */
  given(i: number): boolean;
  /** Number of inputs the node names (empty names included). */
  count: number;
  /** Number of outputs the node names (Split without sizes splits into that many). */
  outputCount: number;
}

export function ints(value: unknown): number[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'number') ? (value as number[]) : undefined;
}

export function known(d: Dim | undefined): d is number {
  return typeof d === 'number';
}

/**
 * The highest rank inference gives a tensor whose rank is a number read from the file (a shape input's
 * length): far above any real model's, low enough that a tiny hostile file cannot ask for 10^8 dims.
 */
export const MAX_RANK = 64;

/** `rank` unknown dims, or undefined when `rank` is not a plausible rank. */
export function ofRank(rank: Dim | undefined): Shape | undefined {
  return known(rank) && Number.isInteger(rank) && rank >= 0 && rank <= MAX_RANK
    ? Array<Dim>(rank).fill(null)
    : undefined;
}

export function product(dims: Shape): Dim {
  return dims.every(known) ? dims.reduce((n, d) => n * d, 1) : null;
}

/** A negative axis counts from the end (ONNX ops accept [-rank, rank - 1]). */
export function axisOf(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/** An integer attribute, or its default. */
export function intAttr(attrs: Attributes, name: string, fallback: number): number {
  const v = attrs[name];
  return typeof v === 'number' ? v : fallback;
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

/** Slice's per-axis arguments, axes not yet counted from the end; starts and ends may be symbolic. */
export interface SliceArgs {
  starts: Dim[];
  ends: Dim[];
  axes: number[];
  steps: number[];
}

/**
 * Slice's starts, ends, axes and steps: attributes before op set 10, inputs 1–4 after. Axes and steps
 * left out are 0, 1, … and all 1; named but unknown, they are unknown (so is the whole slice).
 */
export function sliceArgs(
  attrs: Attributes,
  inputs: Pick<ShapeInputs, 'value' | 'given'>,
): SliceArgs | undefined {
  const numbers = (i: number) => {
    const data = inputs.value(i)?.data;
    return data?.every(known) ? data : undefined;
  };
  const starts = ints(attrs.starts) ?? inputs.value(1)?.data;
  const ends = ints(attrs.ends) ?? inputs.value(2)?.data;
  if (!starts || !ends || starts.length !== ends.length) return undefined;
  const axes = ints(attrs.axes) ?? (inputs.given(3) ? numbers(3) : starts.map((_, i) => i));
  const steps = inputs.given(4) ? numbers(4) : starts.map(() => 1);
  if (axes?.length !== starts.length || steps?.length !== starts.length || steps.includes(0))
    return undefined;
  return { starts, ends, axes, steps };
}

/**
 * Slice's clamped [start, end) and step on one axis of size `dim` (Slice-10+ spec: negative values count
 * from the end; a negative step walks backwards).
 */
export function sliceRange(dim: number, start: number, end: number, step: number): number[] {
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  const s = start < 0 ? start + dim : start;
  const e = end < 0 ? end + dim : end;
  return step > 0
    ? [clamp(s, 0, dim), clamp(e, 0, dim), step]
    : [clamp(s, 0, dim - 1), clamp(e, -1, dim - 1), step];
}

/** Shape's [start, end) of a rank-`rank` input (op set 15 attributes, clamped to the rank). */
export function shapeSpan(rank: number, attrs: Attributes): [number, number] {
  const clamp = (a: number) => Math.min(Math.max(axisOf(a, rank), 0), rank);
  const start = clamp(intAttr(attrs, 'start', 0));
  return [start, Math.max(start, clamp(intAttr(attrs, 'end', rank)))];
}

/** Range's length max(ceil((limit − start) / delta), 0); undefined for a zero delta. */
export function rangeCount(start: number, limit: number, delta: number): number | undefined {
  return delta === 0 ? undefined : Math.max(Math.ceil((limit - start) / delta), 0);
}
