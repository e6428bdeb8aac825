// The Kernels interface over the WebAssembly SIMD build of ./wasm/*.ts. Float32 operands that live in
// the kernels' memory (allocated through `alloc`, as the network does when these kernels are active)
// are passed by address; any other float32 array is copied into a reused scratch block first (and an
// output copied back), so callers may pass plain arrays too. Float64 work (gradient checks) and the
// im2col reshuffles run on the JS kernels.
import { jsKernels, type Kernels } from './kernels';
import { alloc, type DType, type Vec } from '../tensor';
import { WasmMemory } from './wasm-memory';

/** NN and TN: out, a, b, m, n, k, then scratch for the sparse rows' lists (0: none) and for packing. */
type StridedMatmul = (
  out: number,
  a: number,
  b: number,
  m: number,
  n: number,
  k: number,
  list: number,
  pack: number,
) => void;

interface Exports {
  matmulNT(out: number, a: number, b: number, m: number, n: number, k: number, pack: number): void;
  matmulNN: StridedMatmul;
  matmulTN: StridedMatmul;
  packBytes(m: number, n: number, k: number): number;
  adam(w: number, g: number, m: number, v: number, n: number, ...hyper: number[]): void;
  addBias(y: number, bias: number, rows: number, units: number): void;
  relu(out: number, x: number, n: number): void;
  sumRows(out: number, g: number, rows: number, units: number): void;
  reluGrad(out: number, g: number, x: number, n: number): void;
  mul(out: number, a: number, b: number, n: number): void;
  addScaled(out: number, a: number, sa: number, b: number, sb: number, n: number): void;
  dropout(out: number, factor: number, x: number, n: number, ...draw: number[]): void;
}

type Matmul = 'matmulNT' | 'matmulNN' | 'matmulTN';

/** Most scratch floats a sparse-row list may take (4 MiB). */
const LIST_FLOATS = 1 << 20;

/** Instantiates the module (synchronously: it is a few kilobytes) over a fresh memory of `maxPages`. */
export function createWasmKernels(bytes: Uint8Array<ArrayBuffer>, maxPages?: number): Kernels {
  const mem = new WasmMemory(maxPages);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: mem.memory } });
  const exports = instance.exports as unknown as Exports;
  let scratch = mem.allocF32(0);
  let used = 0;

  /**
   * Room for `floats` staged floats; called before any address into scratch is handed out. False when
   * the memory is full: the caller runs the JS kernel instead.
   */
  const reserve = (floats: number): boolean => {
    if (floats > scratch.length) {
      const grown = mem.tryAllocF32(Math.max(floats, 2 * scratch.length)) ?? mem.tryAllocF32(floats);
      if (!grown) return false;
      scratch = grown;
    }
    used = 0;
    return true;
  };
  /** The address of the first `length` floats of `v`, staging them in scratch when they live elsewhere. */
  const place = (v: Float32Array, length: number, copy: boolean): number => {
    if (mem.owns(v)) return v.byteOffset;
    const at = used;
    used += length;
    if (copy) scratch.set(length === v.length ? v : v.subarray(0, length), at);
    return scratch.byteOffset + at * 4;
  };
  const foreign = (v: Float32Array, length: number): number => (mem.owns(v) ? 0 : length);
  /** Element-wise steps run in place on the kernels' memory; elsewhere the JS loop is as fast as a copy. */
  const inMemory = (...vs: Vec[]): boolean => vs.every((v) => v instanceof Float32Array && mem.owns(v));

  /**
   * Every product gets scratch to pack its operands in (packBytes). NN and TN also get scratch for the
   * lists of a's nonzero entries (four rows of k (offset, value) pairs: 8·k floats), which lets them skip
   * the zeros behind ReLU and dropout; none past LIST_FLOATS (the kernels then run dense, with the same
   * results).
   */
  const matmul =
    (name: Matmul, aLength: (m: number, n: number, k: number) => number, bLength: typeof aLength) =>
    (out: Vec, a: Vec, b: Vec, m: number, n: number, k: number): void => {
      if (!(out instanceof Float32Array && a instanceof Float32Array && b instanceof Float32Array))
        return jsKernels[name](out, a, b, m, n, k);
      const la = aLength(m, n, k);
      const lb = bLength(m, n, k);
      const staged = foreign(a, la) + foreign(b, lb) + foreign(out, m * n);
      // Packed panels start on a 16-byte boundary: up to 3 floats of padding.
      const pack = Math.ceil(exports.packBytes(m, n, k) / 4) + 3;
      const list = name !== 'matmulNT' && 8 * k <= LIST_FLOATS ? 8 * k : 0;
      if (!reserve(staged + pack + list) && (list === 0 || !reserve(staged + pack)))
        return jsKernels[name](out, a, b, m, n, k);
      const pa = place(a, la, true);
      const pb = place(b, lb, true);
      const po = place(out, m * n, false);
      const outEnd = used;
      const pp = (scratch.byteOffset + used * 4 + 15) & ~15;
      used += pack;
      // Room for the list is there when the reservation with it succeeded.
      const pl = list > 0 && used + list <= scratch.length ? scratch.byteOffset + used * 4 : 0;
      if (name === 'matmulNT') exports.matmulNT(po, pa, pb, m, n, k, pp);
      else exports[name](po, pa, pb, m, n, k, pl, pp);
      if (!mem.owns(out)) out.set(scratch.subarray(outEnd - m * n, outEnd));
    };

  return {
    // A full memory (its blocks wait for the collector) leaves tensors in the JS heap: the kernels then
    // stage them through scratch, or run the JS kernels when scratch cannot grow; the same results.
    alloc: (dtype: DType, length: number): Vec =>
      dtype === 'float32' ? (mem.tryAllocF32(length) ?? new Float32Array(length)) : alloc(dtype, length),
    matmulNT: matmul(
      'matmulNT',
      (m, _n, k) => m * k,
      (_m, n, k) => n * k,
    ),
    matmulNN: matmul(
      'matmulNN',
      (m, _n, k) => m * k,
      (_m, n, k) => k * n,
    ),
    matmulTN: matmul(
      'matmulTN',
      (m, _n, k) => k * m,
      (_m, n, k) => k * n,
    ),
    adam(w, g, m, v, n, step, beta1, beta2, eps, sqrtBc2, decay) {
      // Parameters always come from `alloc`; anything else (float64, foreign arrays) takes the JS path.
      if (!(mem.owns(w) && mem.owns(g) && mem.owns(m) && mem.owns(v)) || w instanceof Float64Array)
        return jsKernels.adam(w, g, m, v, n, step, beta1, beta2, eps, sqrtBc2, decay);
      exports.adam(
        w.byteOffset,
        g.byteOffset,
        m.byteOffset,
        v.byteOffset,
        n,
        step,
        beta1,
        beta2,
        eps,
        sqrtBc2,
        decay,
      );
    },
    addBias(y, bias, rows, units) {
      if (!inMemory(y, bias)) return jsKernels.addBias(y, bias, rows, units);
      exports.addBias(y.byteOffset, bias.byteOffset, rows, units);
    },
    relu(out, x, n) {
      if (!inMemory(out, x)) return jsKernels.relu(out, x, n);
      exports.relu(out.byteOffset, x.byteOffset, n);
    },
    sumRows(out, g, rows, units) {
      if (!inMemory(out, g)) return jsKernels.sumRows(out, g, rows, units);
      exports.sumRows(out.byteOffset, g.byteOffset, rows, units);
    },
    reluGrad(out, g, x, n) {
      if (!inMemory(out, g, x)) return jsKernels.reluGrad(out, g, x, n);
      exports.reluGrad(out.byteOffset, g.byteOffset, x.byteOffset, n);
    },
    mul(out, a, b, n) {
      if (!inMemory(out, a, b)) return jsKernels.mul(out, a, b, n);
      exports.mul(out.byteOffset, a.byteOffset, b.byteOffset, n);
    },
    addScaled(out, a, sa, b, sb, n) {
      if (!inMemory(out, a, b)) return jsKernels.addScaled(out, a, sa, b, sb, n);
      exports.addScaled(out.byteOffset, a.byteOffset, sa, b.byteOffset, sb, n);
    },
    dropout(out, factor, x, n, state, threshold, scale) {
      if (!inMemory(out, factor, x)) return jsKernels.dropout(out, factor, x, n, state, threshold, scale);
      exports.dropout(out.byteOffset, factor.byteOffset, x.byteOffset, n, state, threshold, scale);
    },
    im2col: jsKernels.im2col,
    col2im: jsKernels.col2im,
  };
}
