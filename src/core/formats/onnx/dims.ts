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
