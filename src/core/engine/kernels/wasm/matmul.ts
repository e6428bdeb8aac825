// AssemblyScript (compiled to WebAssembly SIMD by scripts/build-wasm.mjs, not by tsc). Row-major float32
// matmuls over byte addresses in linear memory, in the three layouts of the Kernels interface. The
// caller owns all memory: these functions allocate nothing.

/** Sum of the four lanes. */
function hsum(v: v128): f32 {
  return (
    f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3)
  );
}

/** Dot product of k floats at x and y (SIMD body, scalar tail). */
function dot(x: usize, y: usize, k: i32): f32 {
  let acc = f32x4.splat(0);
  const k4 = k & ~3;
  for (let p = 0; p < k4; p += 4) {
    const o = (<usize>p) << 2;
    acc = f32x4.add(acc, f32x4.mul(v128.load(x + o), v128.load(y + o)));
  }
  let s = hsum(acc);
  for (let p = k4; p < k; p++) s += load<f32>(x + ((<usize>p) << 2)) * load<f32>(y + ((<usize>p) << 2));
  return s;
}

/** Bytes of a's rows one block of matmulNT keeps hot in L2 while every row of b passes over them. */
const NT_BLOCK_BYTES = 65536;

/**
 * out[m×n] = a[m×k] · b[n×k]ᵀ. Register tile: 4 rows of a × 2 rows of b, eight f32x4 accumulators
 * along k, reduced once per output. a is taken in blocks of rows that fit L2; within a block, loops run
 * over pairs of b rows outside so they stay in L1. Without the blocks a tall a (MC passes tiled deep)
 * would stream from memory once per pair of b rows.
 */
export function matmulNT(out: usize, a: usize, b: usize, m: i32, n: i32, k: i32): void {
  const rowBytes = (<usize>k) << 2;
  const m4 = m & ~3;
  const block = max<i32>(4, (NT_BLOCK_BYTES / <i32>rowBytes) & ~3);
  for (let i0 = 0; i0 < m4; i0 += block) tileNT(out, a, b, i0, min<i32>(i0 + block, m4), n, k);
  // Edges: the last row of b when n is odd, the last m % 4 rows of a.
  const n2 = n & ~1;
  for (let i = 0; i < m; i++) {
    const ai = a + <usize>i * rowBytes;
    const j0 = i < m4 ? n2 : 0;
    for (let j = j0; j < n; j++)
      store<f32>(out + ((<usize>i * <usize>n + <usize>j) << 2), dot(ai, b + <usize>j * rowBytes, k));
  }
}

/** Rows i0..i1 (multiples of 4) × columns 0..n & ~1 of matmulNT. */
function tileNT(out: usize, a: usize, b: usize, i0: i32, i1: i32, n: i32, k: i32): void {
  const rowBytes = (<usize>k) << 2;
  const k4 = k & ~3;
  const n2 = n & ~1;
  for (let j = 0; j < n2; j += 2) {
    const b0 = b + <usize>j * rowBytes;
    const b1 = b0 + rowBytes;
    for (let i = i0; i < i1; i += 4) {
      const a0 = a + <usize>i * rowBytes;
      const a1 = a0 + rowBytes;
      const a2 = a1 + rowBytes;
      const a3 = a2 + rowBytes;
      let c00 = f32x4.splat(0),
        c01 = f32x4.splat(0),
        c10 = f32x4.splat(0),
        c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0),
        c21 = f32x4.splat(0),
        c30 = f32x4.splat(0),
        c31 = f32x4.splat(0);
      for (let p = 0; p < k4; p += 4) {
        const o = (<usize>p) << 2;
        const x0 = v128.load(b0 + o);
        const x1 = v128.load(b1 + o);
        let y = v128.load(a0 + o);
        c00 = f32x4.add(c00, f32x4.mul(y, x0));
        c01 = f32x4.add(c01, f32x4.mul(y, x1));
        y = v128.load(a1 + o);
        c10 = f32x4.add(c10, f32x4.mul(y, x0));
        c11 = f32x4.add(c11, f32x4.mul(y, x1));
        y = v128.load(a2 + o);
        c20 = f32x4.add(c20, f32x4.mul(y, x0));
        c21 = f32x4.add(c21, f32x4.mul(y, x1));
        y = v128.load(a3 + o);
        c30 = f32x4.add(c30, f32x4.mul(y, x0));
        c31 = f32x4.add(c31, f32x4.mul(y, x1));
      }
      let s00 = hsum(c00),
        s01 = hsum(c01),
        s10 = hsum(c10),
        s11 = hsum(c11);
      let s20 = hsum(c20),
        s21 = hsum(c21),
        s30 = hsum(c30),
        s31 = hsum(c31);
      for (let p = k4; p < k; p++) {
        const o = (<usize>p) << 2;
        const x0 = load<f32>(b0 + o);
        const x1 = load<f32>(b1 + o);
        s00 += load<f32>(a0 + o) * x0;
        s01 += load<f32>(a0 + o) * x1;
        s10 += load<f32>(a1 + o) * x0;
        s11 += load<f32>(a1 + o) * x1;
        s20 += load<f32>(a2 + o) * x0;
        s21 += load<f32>(a2 + o) * x1;
        s30 += load<f32>(a3 + o) * x0;
        s31 += load<f32>(a3 + o) * x1;
      }
      const c = out + ((<usize>i * <usize>n + <usize>j) << 2);
      const rowOut = (<usize>n) << 2;
      store<f32>(c, s00);
      store<f32>(c, s01, 4);
      store<f32>(c + rowOut, s10);
      store<f32>(c + rowOut, s11, 4);
      store<f32>(c + 2 * rowOut, s20);
      store<f32>(c + 2 * rowOut, s21, 4);
      store<f32>(c + 3 * rowOut, s30);
      store<f32>(c + 3 * rowOut, s31, 4);
    }
  }
}

/**
 * out[m×n] = A · b[k×n] where A(i, p) = a[i·rs + p·cs]: NN is (rs, cs) = (k, 1), TN (a stored [k×m]) is
 * (1, m). Register tile: 4 rows × 8 columns (eight f32x4 accumulators), a broadcast per row and p.
 */
function matmulStrided(out: usize, a: usize, b: usize, m: i32, n: i32, k: i32, rs: usize, cs: usize): void {
  const m4 = m & ~3;
  const n8 = n & ~7;
  const n4 = n & ~3;
  const rowB = (<usize>n) << 2;
  const rsB = rs << 2;
  const csB = cs << 2;
  for (let i = 0; i < m4; i += 4) {
    const a0 = a + <usize>i * rsB;
    const c0 = out + <usize>i * rowB;
    for (let j = 0; j < n8; j += 8) {
      let c00 = f32x4.splat(0),
        c01 = f32x4.splat(0),
        c10 = f32x4.splat(0),
        c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0),
        c21 = f32x4.splat(0),
        c30 = f32x4.splat(0),
        c31 = f32x4.splat(0);
      let bp = b + ((<usize>j) << 2);
      let ap = a0;
      for (let p = 0; p < k; p++) {
        const x0 = v128.load(bp);
        const x1 = v128.load(bp, 16);
        let y = f32x4.splat(load<f32>(ap));
        c00 = f32x4.add(c00, f32x4.mul(y, x0));
        c01 = f32x4.add(c01, f32x4.mul(y, x1));
        y = f32x4.splat(load<f32>(ap + rsB));
        c10 = f32x4.add(c10, f32x4.mul(y, x0));
        c11 = f32x4.add(c11, f32x4.mul(y, x1));
        y = f32x4.splat(load<f32>(ap + 2 * rsB));
        c20 = f32x4.add(c20, f32x4.mul(y, x0));
        c21 = f32x4.add(c21, f32x4.mul(y, x1));
        y = f32x4.splat(load<f32>(ap + 3 * rsB));
        c30 = f32x4.add(c30, f32x4.mul(y, x0));
        c31 = f32x4.add(c31, f32x4.mul(y, x1));
        bp += rowB;
        ap += csB;
      }
      const c = c0 + ((<usize>j) << 2);
      v128.store(c, c00);
      v128.store(c, c01, 16);
      v128.store(c + rowB, c10);
      v128.store(c + rowB, c11, 16);
      v128.store(c + 2 * rowB, c20);
      v128.store(c + 2 * rowB, c21, 16);
      v128.store(c + 3 * rowB, c30);
      v128.store(c + 3 * rowB, c31, 16);
    }
  }
  // Edges: columns n8.. of the 4-row blocks, then every column of the last m % 4 rows; four columns
  // at a time where they fit, then one.
  for (let i = 0; i < m; i++) {
    const ai = a + <usize>i * rsB;
    const ci = out + <usize>i * rowB;
    let j = i < m4 ? n8 : 0;
    for (; j < n4; j += 4) {
      let acc = f32x4.splat(0);
      let bp = b + ((<usize>j) << 2);
      let ap = ai;
      for (let p = 0; p < k; p++) {
        acc = f32x4.add(acc, f32x4.mul(f32x4.splat(load<f32>(ap)), v128.load(bp)));
        bp += rowB;
        ap += csB;
      }
      v128.store(ci + ((<usize>j) << 2), acc);
    }
    for (; j < n; j++) {
      let s: f32 = 0;
      let bp = b + ((<usize>j) << 2);
      let ap = ai;
      for (let p = 0; p < k; p++) {
        s += load<f32>(ap) * load<f32>(bp);
        bp += rowB;
        ap += csB;
      }
      store<f32>(ci + ((<usize>j) << 2), s);
    }
  }
}

/** out[m×n] = a[m×k] · b[k×n]. */
export function matmulNN(out: usize, a: usize, b: usize, m: i32, n: i32, k: i32): void {
  matmulStrided(out, a, b, m, n, k, <usize>k, 1);
}

/** out[m×n] = a[k×m]ᵀ · b[k×n]. */
export function matmulTN(out: usize, a: usize, b: usize, m: i32, n: i32, k: i32): void {
  matmulStrided(out, a, b, m, n, k, 1, <usize>m);
}
