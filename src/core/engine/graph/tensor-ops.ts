// Shape-general tensor operations for the graph executor (numpy semantics, as ONNX defines them):
// broadcasting element-wise arithmetic, transpose, concat, batched matmul and normalisation along an
// axis. Tensors here carry their full shape (batch included) over Float32Array.
import { softmaxRows } from '../layers/activations';
import type { Kernels } from '../kernels/kernels';
import { EngineError } from '../engine-error';
import { sizeOf, type Tensor } from '../tensor';

export function tensor(shape: readonly number[], data?: Float32Array): Tensor {
  return { shape: [...shape], data: data ?? new Float32Array(sizeOf(shape)) };
}

/** Row-major strides of a shape. */
export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  for (let i = shape.length - 1, n = 1; i >= 0; i--) {
    s[i] = n;
    n *= shape[i] as number;
  }
  return s;
}

/** An axis in [-rank, rank) as a non-negative index. */
export function axisOf(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!(a >= 0 && a < Math.max(rank, 1)))
    throw new EngineError(`axis ${axis} is outside a rank-${rank} tensor`);
  return a;
}

export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const x = a[i - rank + a.length] ?? 1;
    const y = b[i - rank + b.length] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new EngineError(`shapes [${a}] and [${b}] do not broadcast`);
    return x === 1 ? y : x;
  });
}

/** Strides of `shape` read as `out` (0 on broadcast axes). */
function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const s = strides(shape);
  const lead = out.length - shape.length;
  return out.map((_, i) => (i < lead || shape[i - lead] === 1 ? 0 : (s[i - lead] as number)));
}

export function binary(a: Tensor, b: Tensor, f: (x: number, y: number) => number): Tensor {
  const shape = broadcastShape(a.shape, b.shape);
  const y = tensor(shape);
  const sa = broadcastStrides(a.shape, shape);
  const sb = broadcastStrides(b.shape, shape);
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let ia = 0;
  let ib = 0;
  for (let o = 0; o < y.data.length; o++) {
    y.data[o] = f(a.data[ia] as number, b.data[ib] as number);
    // Odometer increment of the output index, moving both input offsets along.
    for (let d = rank - 1; d >= 0; d--) {
      ia += sa[d] as number;
      ib += sb[d] as number;
      if (++(index[d] as number) < (shape[d] as number)) break;
      ia -= (sa[d] as number) * (shape[d] as number);
      ib -= (sb[d] as number) * (shape[d] as number);
      index[d] = 0;
    }
  }
  return y;
}

export function transpose(x: Tensor, perm: readonly number[]): Tensor {
  const rank = x.shape.length;
  if (perm.length !== rank) throw new EngineError(`perm [${perm}] does not fit a rank-${rank} tensor`);
  const shape = perm.map((p) => x.shape[p] as number);
  const inStrides = strides(x.shape);
  const permuted = perm.map((p) => inStrides[p] as number);
  return tensor(shape, gather(x.data, shape, permuted));
}

/** Reads `data` at the offsets of an odometer over `shape` with per-axis `steps`. */
function gather(
  data: Float32Array | Float64Array,
  shape: readonly number[],
  steps: readonly number[],
): Float32Array {
  const out = new Float32Array(sizeOf(shape));
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let at = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = data[at] as number;
    for (let d = rank - 1; d >= 0; d--) {
      at += steps[d] as number;
      if (++(index[d] as number) < (shape[d] as number)) break;
      at -= (steps[d] as number) * (shape[d] as number);
      index[d] = 0;
    }
  }
  return out;
}

export function concat(xs: readonly Tensor[], axis: number): Tensor {
  const first = xs[0] as Tensor;
  const a = axisOf(axis, first.shape.length);
  const shape = [...first.shape];
  shape[a] = xs.reduce((n, x) => n + (x.shape[a] as number), 0);
  const y = tensor(shape);
  const outer = sizeOf(shape.slice(0, a));
  const inner = sizeOf(shape.slice(a + 1));
  let o = 0;
  for (let i = 0; i < outer; i++)
    for (const x of xs) {
      const n = (x.shape[a] as number) * inner;
      y.data.set(x.data.subarray(i * n, (i + 1) * n), o);
      o += n;
    }
  return y;
}

/** numpy matmul: 1-D operands are promoted and the added axis removed; leading axes broadcast. */
export function matmul(a: Tensor, b: Tensor, kernels: Kernels): Tensor {
  const as = a.shape.length === 1 ? [1, a.shape[0] as number] : a.shape;
  const bs = b.shape.length === 1 ? [b.shape[0] as number, 1] : b.shape;
  const [m, k] = as.slice(-2) as [number, number];
  const [k2, n] = bs.slice(-2) as [number, number];
  if (k !== k2) throw new EngineError(`matmul of [${a.shape}] and [${b.shape}]: inner sizes differ`);
  const batch = broadcastShape(as.slice(0, -2), bs.slice(0, -2));
  const count = sizeOf(batch);
  // Offsets of each batch's matrices, by broadcasting matrix indices over the batch axes.
  const index = (shape: readonly number[]) =>
    binary(
      tensor(batch),
      tensor(
        shape,
        Float32Array.from({ length: sizeOf(shape) }, (_, i) => i),
      ),
      (_, i) => i,
    );
  const ia = index(as.slice(0, -2)).data;
  const ib = index(bs.slice(0, -2)).data;
  const out = new Float32Array(count * m * n);
  const slice = new Float32Array(m * n);
  for (let i = 0; i < count; i++) {
    const aa = a.data.subarray((ia[i] as number) * m * k, ((ia[i] as number) + 1) * m * k);
    const bb = b.data.subarray((ib[i] as number) * k * n, ((ib[i] as number) + 1) * k * n);
    kernels.matmulNN(slice, aa, bb, m, n, k);
    out.set(slice, i * m * n);
  }
  const shape = [...batch, ...(a.shape.length === 1 ? [] : [m]), ...(b.shape.length === 1 ? [] : [n])];
  return tensor(shape, out);
}

/** Softmax or log-softmax over `axis` alone (ONNX ≥ 13), moving it last and back when it is not. */
export function softmaxAxis(x: Tensor, axis: number, log: boolean): Tensor {
  const rank = x.shape.length;
  const a = axisOf(axis, rank);
  if (a === rank - 1) return softmaxLast(x, log);
  const perm = [...Array(rank).keys()].filter((d) => d !== a).concat(a);
  const inverse = perm.map((_, d) => perm.indexOf(d));
  return transpose(softmaxLast(transpose(x, perm), log), inverse);
}

/** Over the last axis; log-softmax as x − max − log Σ exp so tiny probabilities keep their logs. */
export function softmaxLast(x: Tensor, log: boolean): Tensor {
  const c = x.shape[x.shape.length - 1] ?? 1;
  const y = tensor(x.shape);
  if (!log) {
    softmaxRows(y.data, x.data, c);
    return y;
  }
  for (let r = 0; r < x.data.length; r += c) {
    let max = -Infinity;
    for (let j = 0; j < c; j++) max = Math.max(max, x.data[r + j] as number);
    let sum = 0;
    for (let j = 0; j < c; j++) sum += Math.exp((x.data[r + j] as number) - max);
    const shift = max + Math.log(sum);
    for (let j = 0; j < c; j++) y.data[r + j] = (x.data[r + j] as number) - shift;
  }
  return y;
}
