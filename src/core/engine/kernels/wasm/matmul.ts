// AssemblyScript (compiled to WebAssembly SIMD by scripts/build-wasm.mjs, not by tsc). Row-major float32
// matmuls over byte addresses in linear memory, in the three layouts of the Kernels interface. The
// caller owns all memory: these functions allocate nothing.
//
// What bounds them on x64 (V8): two f32x4 multiplies and two adds per cycle, and about six instructions
// issued per cycle. So the inner loops move one pointer per operand row and reach the rest through
// constant offsets (a wasm address `p + o` with a variable `o` costs an add per load), and broadcasts are
// `load32_splat` (one vbroadcastss, not a load and a shuffle). Tiles use 8 accumulators plus 3 operand
// registers: V8 allocates 15 of x64's 16 XMM registers (one is its scratch), so a 6×2 tile (12
// accumulators) spilled accumulators into memory on every step, which is why it measured slower.

/** a·b + c: one fused multiply-add where relaxed SIMD is enabled (a build of its own), else two ops. */
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<f32>(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Sum of the lanes as the tiles reduce them (reduce4): (v0 + v2) + (v1 + v3). */
function hsum(v: v128): f32 {
  return (
    f32x4.extract_lane(v, 0) +
    f32x4.extract_lane(v, 2) +
    (f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 3))
  );
}

/**
 * Dot product of k floats at x and y with the arithmetic of one matmulNT tile element (four lanes, the
 * tail in lane 0, the same reduction), so an output does not depend on whether its row fell in a tile.
 */
function dot(x: usize, y: usize, k: i32): f32 {
  let acc = f32x4.splat(0);
  const end4 = x + ((<usize>(k & ~3)) << 2);
  const end = x + ((<usize>k) << 2);
  for (; x < end4; x += 16, y += 16) acc = madd(v128.load(x), v128.load(y), acc);
  for (; x < end; x += 4, y += 4) acc = madd(v128.load32_zero(x), v128.load32_zero(y), acc);
  return hsum(acc);
}

/** Bytes of a's rows one block of matmulNT keeps hot in L2 while every row of b passes over them. */
const NT_BLOCK_BYTES = 65536;

/**
 * out[m×n] = a[m×k] · b[n×k]ᵀ. Register tile: 4 rows of a × 2 rows of b, eight f32x4 accumulators
 * along k, reduced once per output. a is taken in blocks of rows that fit L2; within a block, loops run
 * over pairs of b rows outside so they stay in L1. Without the blocks a tall a (MC passes tiled deep)
 * would stream from memory once per pair of b rows. (Slicing k so that b's rows stay in L2 instead
 * measured faster alone but slower in training, where b, the weights Adam has just written, and the
 * batch compete for L2; it also changed the summation order with the slice.)
 */
export function matmulNT(out: usize, a: usize, b: usize, m: i32, n: i32, k: i32): void {
  const rowBytes = (<usize>k) << 2;
  const m4 = m & ~3;
  const n2 = n & ~1;
  const block = max<i32>(4, (NT_BLOCK_BYTES / <i32>rowBytes) & ~3);
  for (let i0 = 0; i0 < m4; i0 += block) {
    const i1 = min<i32>(i0 + block, m4);
    for (let j = 0; j < n2; j += 2) {
      for (let i = i0; i < i1; i += 4) {
        // One 4×2 tile of out at ct (row stride n).
        const ct = out + ((<usize>i * <usize>n + <usize>j) << 2);
        let a0 = a + <usize>i * rowBytes;
        let a1 = a0 + rowBytes;
        let a2 = a1 + rowBytes;
        let a3 = a2 + rowBytes;
        let b0 = b + <usize>j * rowBytes;
        let b1 = b0 + rowBytes;
        let c00 = f32x4.splat(0),
          c01 = f32x4.splat(0),
          c10 = f32x4.splat(0),
          c11 = f32x4.splat(0);
        let c20 = f32x4.splat(0),
          c21 = f32x4.splat(0),
          c30 = f32x4.splat(0),
          c31 = f32x4.splat(0);
        const end4 = b0 + ((<usize>(k & ~3)) << 2);
        const end = b0 + rowBytes;
        // Four floats a step, one pointer add per row: six operands and eight accumulators take 14 of the 15
        // XMM registers V8 allocates. Unrolling further made V8 hoist the extra loads and spill accumulators.
        while (b0 < end4) {
          const x0 = v128.load(b0);
          const x1 = v128.load(b1);
          let y = v128.load(a0);
          c00 = madd(y, x0, c00);
          c01 = madd(y, x1, c01);
          y = v128.load(a1);
          c10 = madd(y, x0, c10);
          c11 = madd(y, x1, c11);
          y = v128.load(a2);
          c20 = madd(y, x0, c20);
          c21 = madd(y, x1, c21);
          y = v128.load(a3);
          c30 = madd(y, x0, c30);
          c31 = madd(y, x1, c31);
          a0 += 16;
          a1 += 16;
          a2 += 16;
          a3 += 16;
          b0 += 16;
          b1 += 16;
        }
        // The tail (fewer than 4 floats), one float a step in lane 0.
        while (b0 < end) {
          const x0 = v128.load32_zero(b0);
          const x1 = v128.load32_zero(b1);
          let y = v128.load32_zero(a0);
          c00 = madd(y, x0, c00);
          c01 = madd(y, x1, c01);
          y = v128.load32_zero(a1);
          c10 = madd(y, x0, c10);
          c11 = madd(y, x1, c11);
          y = v128.load32_zero(a2);
          c20 = madd(y, x0, c20);
          c21 = madd(y, x1, c21);
          y = v128.load32_zero(a3);
          c30 = madd(y, x0, c30);
          c31 = madd(y, x1, c31);
          a0 += 4;
          a1 += 4;
          a2 += 4;
          a3 += 4;
          b0 += 4;
          b1 += 4;
        }
        // Rows 0–1 and 2–3 of the tile as [r0c0, r0c1, r1c0, r1c1], one 8-byte store per row.
        const top = reduce4(c00, c01, c10, c11);
        const bottom = reduce4(c20, c21, c30, c31);
        const rowOut = (<usize>n) << 2;
        v128.store64_lane(ct, top, 0);
        v128.store64_lane(ct + rowOut, top, 1);
        v128.store64_lane(ct + 2 * rowOut, bottom, 0);
        v128.store64_lane(ct + 3 * rowOut, bottom, 1);
      }
    }
  }
  // Edges: the last row of b when n is odd, the last m % 4 rows of a.
  for (let i = 0; i < m; i++) {
    const ai = a + <usize>i * rowBytes;
    const j0 = i < m4 ? n2 : 0;
    for (let j = j0; j < n; j++)
      store<f32>(out + ((<usize>i * <usize>n + <usize>j) << 2), dot(ai, b + <usize>j * rowBytes, k));
  }
}

/** [Σ lanes of w, of x, of y, of z]: a transpose and add in six shuffles, not twelve lane extracts. */
function reduce4(w: v128, x: v128, y: v128, z: v128): v128 {
  const wx = f32x4.add(v128.shuffle<f32>(w, x, 0, 4, 1, 5), v128.shuffle<f32>(w, x, 2, 6, 3, 7));
  const yz = f32x4.add(v128.shuffle<f32>(y, z, 0, 4, 1, 5), v128.shuffle<f32>(y, z, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(wx, yz, 0, 1, 4, 5), v128.shuffle<f32>(wx, yz, 2, 3, 6, 7));
}

/**
 * out[m×n] = A · b[k×n] where A(i, p) = a[i·rs + p·cs]: NN is (rs, cs) = (k, 1), TN (a stored [k×m]) is
 * (1, m). Register tile: 4 rows × 8 columns (eight f32x4 accumulators), one broadcast load per row and p.
 */
function matmulStrided(out: usize, a: usize, b: usize, m: i32, n: i32, k: i32, rs: usize, cs: usize): void {
  const m4 = m & ~3;
  const n8 = n & ~7;
  const n4 = n & ~3;
  const rowB = (<usize>n) << 2;
  const rsB = rs << 2;
  const csB = cs << 2;
  for (let j = 0; j < n8; j += 8)
    for (let i = 0; i < m4; i += 4) {
      const a0 = a + <usize>i * rsB;
      const c0 = out + <usize>i * rowB;
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
      const bEnd = bp + <usize>k * rowB;
      if (rs == 1) {
        // TN: the four rows' values at p sit side by side, at constant offsets from one pointer.
        while (bp < bEnd) {
          const x0 = v128.load(bp);
          const x1 = v128.load(bp, 16);
          let y = v128.load32_splat(ap);
          c00 = madd(y, x0, c00);
          c01 = madd(y, x1, c01);
          y = v128.load32_splat(ap, 4);
          c10 = madd(y, x0, c10);
          c11 = madd(y, x1, c11);
          y = v128.load32_splat(ap, 8);
          c20 = madd(y, x0, c20);
          c21 = madd(y, x1, c21);
          y = v128.load32_splat(ap, 12);
          c30 = madd(y, x0, c30);
          c31 = madd(y, x1, c31);
          bp += rowB;
          ap += csB;
        }
      } else {
        // NN: one pointer per row of a, each read at consecutive p.
        let ap1 = ap + rsB;
        let ap2 = ap1 + rsB;
        let ap3 = ap2 + rsB;
        while (bp < bEnd) {
          const x0 = v128.load(bp);
          const x1 = v128.load(bp, 16);
          let y = v128.load32_splat(ap);
          c00 = madd(y, x0, c00);
          c01 = madd(y, x1, c01);
          y = v128.load32_splat(ap1);
          c10 = madd(y, x0, c10);
          c11 = madd(y, x1, c11);
          y = v128.load32_splat(ap2);
          c20 = madd(y, x0, c20);
          c21 = madd(y, x1, c21);
          y = v128.load32_splat(ap3);
          c30 = madd(y, x0, c30);
          c31 = madd(y, x1, c31);
          bp += rowB;
          ap += 4;
          ap1 += 4;
          ap2 += 4;
          ap3 += 4;
        }
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
        acc = madd(v128.load32_splat(ap), v128.load(bp), acc);
        bp += rowB;
        ap += csB;
      }
      v128.store(ci + ((<usize>j) << 2), acc);
    }
    // The last columns in lane 0, with the tiles' arithmetic (fused where they fuse).
    for (; j < n; j++) {
      let acc = f32x4.splat(0);
      let bp = b + ((<usize>j) << 2);
      let ap = ai;
      for (let p = 0; p < k; p++) {
        acc = madd(v128.load32_zero(ap), v128.load32_zero(bp), acc);
        bp += rowB;
        ap += csB;
      }
      store<f32>(ci + ((<usize>j) << 2), f32x4.extract_lane(acc, 0));
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
