// AssemblyScript (compiled to WebAssembly SIMD by scripts/build-wasm.mjs, not by tsc). Row-major float32
// matmuls over byte addresses in linear memory, in the three layouts of the Kernels interface. The
// caller owns all memory: these functions allocate nothing.
//
// What bounds them on x64 (V8, read with --print-wasm-code): two f32x4 multiplies and two adds per cycle
// and about six instructions issued per cycle, so loads and address arithmetic compete with the
// arithmetic. Tiles keep 8 accumulators and up to 6 operands in registers: V8 allocates 15 of x64's 16
// XMM registers (one is its scratch) and hoists a loop's loads to its top, so a 6×2 tile (12
// accumulators) or a k loop unrolled twice spills accumulators to the stack on every step, which is why
// they measured slower. Broadcasts are `load32_splat` (one vbroadcastss, not a load and a shuffle).
// The relaxed SIMD build fuses each multiply-add (half the arithmetic instructions).

/** a·b + c: one fused multiply-add where relaxed SIMD is enabled (a build of its own), else two ops. */
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<f32>(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

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
    acc = madd(v128.load(x + o), v128.load(y + o), acc);
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
        c00 = madd(y, x0, c00);
        c01 = madd(y, x1, c01);
        y = v128.load(a1 + o);
        c10 = madd(y, x0, c10);
        c11 = madd(y, x1, c11);
        y = v128.load(a2 + o);
        c20 = madd(y, x0, c20);
        c21 = madd(y, x1, c21);
        y = v128.load(a3 + o);
        c30 = madd(y, x0, c30);
        c31 = madd(y, x1, c31);
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
 * (1, m). Rows of A go four at a time. Where at most half of their entries are nonzero (the gradients
 * behind ReLU and dropout: about a quarter in W1), each row adds up only the rows of b its nonzero
 * entries pick (sparseRow), from a list that `list` (8·k bytes a row, 0: no room) holds. Otherwise a
 * register tile of 4 rows × 8 columns (eight f32x4 accumulators), one broadcast load per row and p.
 * Both add the same products in the same order (a zero entry adds 0·b exactly: only a NaN or infinity
 * in b is lost with it, as in the JS kernels, which skip zeros too).
 */
function matmulStrided(
  out: usize,
  a: usize,
  b: usize,
  m: i32,
  n: i32,
  k: i32,
  rs: usize,
  cs: usize,
  list: usize,
): void {
  const n8 = n & ~7;
  const rowB = (<usize>n) << 2;
  const rsB = rs << 2;
  const csB = cs << 2;
  const listRow = (<usize>k) << 3;
  for (let i = 0; i < m; i += 4) {
    const rows = min<i32>(4, m - i);
    if (list != 0) {
      // Counts of rows i..i + 3 (0 past the last row).
      const a0 = a + <usize>i * rsB;
      const n0 = compact(list, a0, csB, k, rowB);
      const n1 = rows > 1 ? compact(list + listRow, a0 + rsB, csB, k, rowB) : 0;
      const n2 = rows > 2 ? compact(list + 2 * listRow, a0 + 2 * rsB, csB, k, rowB) : 0;
      const n3 = rows > 3 ? compact(list + 3 * listRow, a0 + 3 * rsB, csB, k, rowB) : 0;
      if ((n0 + n1 + n2 + n3) * 2 <= rows * k) {
        const c0 = out + <usize>i * rowB;
        sparseRow(c0, b, n, list, n0);
        if (rows > 1) sparseRow(c0 + rowB, b, n, list + listRow, n1);
        if (rows > 2) sparseRow(c0 + 2 * rowB, b, n, list + 2 * listRow, n2);
        if (rows > 3) sparseRow(c0 + 3 * rowB, b, n, list + 3 * listRow, n3);
        continue;
      }
    }
    let j0 = 0;
    if (rows == 4) {
      tile4x8(out + <usize>i * rowB, a + <usize>i * rsB, b, n8, k, rowB, rsB, csB, rs == 1);
      j0 = n8;
    }
    for (let r = 0; r < rows; r++)
      edgeRow(out + <usize>(i + r) * rowB, a + <usize>(i + r) * rsB, b, j0, n, k, rowB, csB);
  }
}

/**
 * Writes the nonzero entries of one row of A (k values `step` bytes apart from `at`) to `list` as (byte
 * offset of b's row p, value) pairs in order of p, without a branch per entry; returns their count.
 */
function compact(list: usize, at: usize, step: usize, k: i32, rowB: usize): i32 {
  let e = list;
  let off: usize = 0;
  for (let p = 0; p < k; p++) {
    const v = load<f32>(at);
    store<u32>(e, <u32>off);
    store<f32>(e, v, 4);
    e += select<usize>(8, 0, v != 0);
    at += step;
    off += rowB;
  }
  return <i32>((e - list) >> 3);
}

/** out[n] (one row) = Σ over the `count` entries of `list` of value · (b's row at the entry's offset). */
function sparseRow(out: usize, b: usize, n: i32, list: usize, count: i32): void {
  const end = list + ((<usize>count) << 3);
  const n4 = n & ~3;
  let j = 0;
  // 32 columns at a time: eight accumulators, one broadcast and eight loads per entry.
  for (; j + 32 <= n; j += 32) {
    const bj = b + ((<usize>j) << 2);
    let c0 = f32x4.splat(0),
      c1 = f32x4.splat(0),
      c2 = f32x4.splat(0),
      c3 = f32x4.splat(0);
    let c4 = f32x4.splat(0),
      c5 = f32x4.splat(0),
      c6 = f32x4.splat(0),
      c7 = f32x4.splat(0);
    for (let e = list; e < end; e += 8) {
      const y = v128.load32_splat(e, 4);
      const bp = bj + <usize>load<u32>(e);
      c0 = madd(y, v128.load(bp), c0);
      c1 = madd(y, v128.load(bp, 16), c1);
      c2 = madd(y, v128.load(bp, 32), c2);
      c3 = madd(y, v128.load(bp, 48), c3);
      c4 = madd(y, v128.load(bp, 64), c4);
      c5 = madd(y, v128.load(bp, 80), c5);
      c6 = madd(y, v128.load(bp, 96), c6);
      c7 = madd(y, v128.load(bp, 112), c7);
    }
    const o = out + ((<usize>j) << 2);
    v128.store(o, c0);
    v128.store(o, c1, 16);
    v128.store(o, c2, 32);
    v128.store(o, c3, 48);
    v128.store(o, c4, 64);
    v128.store(o, c5, 80);
    v128.store(o, c6, 96);
    v128.store(o, c7, 112);
  }
  for (; j < n4; j += 4) {
    const bj = b + ((<usize>j) << 2);
    let acc = f32x4.splat(0);
    for (let e = list; e < end; e += 8)
      acc = madd(v128.load32_splat(e, 4), v128.load(bj + <usize>load<u32>(e)), acc);
    v128.store(out + ((<usize>j) << 2), acc);
  }
  for (; j < n; j++) {
    const bj = b + ((<usize>j) << 2);
    let acc = f32x4.splat(0);
    for (let e = list; e < end; e += 8)
      acc = madd(v128.load32_zero(e, 4), v128.load32_zero(bj + <usize>load<u32>(e)), acc);
    store<f32>(out + ((<usize>j) << 2), f32x4.extract_lane(acc, 0));
  }
}

/** Rows 0–3 of A at a (rows rsB bytes apart, entries csB; `side`: side by side, TN) × columns 0..n8. */
function tile4x8(
  out: usize,
  a: usize,
  b: usize,
  n8: i32,
  k: i32,
  rowB: usize,
  rsB: usize,
  csB: usize,
  side: bool,
): void {
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
    let ap = a;
    const bEnd = bp + <usize>k * rowB;
    if (side) {
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
    const c = out + ((<usize>j) << 2);
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

/** Columns j0..n of one row of out from row ai of A: four at a time where they fit, then one in lane 0. */
function edgeRow(out: usize, ai: usize, b: usize, j0: i32, n: i32, k: i32, rowB: usize, csB: usize): void {
  const n4 = n & ~3;
  let j = j0;
  for (; j < n4; j += 4) {
    let acc = f32x4.splat(0);
    let bp = b + ((<usize>j) << 2);
    let ap = ai;
    for (let p = 0; p < k; p++) {
      acc = madd(v128.load32_splat(ap), v128.load(bp), acc);
      bp += rowB;
      ap += csB;
    }
    v128.store(out + ((<usize>j) << 2), acc);
  }
  for (; j < n; j++) {
    let acc = f32x4.splat(0);
    let bp = b + ((<usize>j) << 2);
    let ap = ai;
    for (let p = 0; p < k; p++) {
      acc = madd(v128.load32_zero(ap), v128.load32_zero(bp), acc);
      bp += rowB;
      ap += csB;
    }
    store<f32>(out + ((<usize>j) << 2), f32x4.extract_lane(acc, 0));
  }
}

/** out[m×n] = a[m×k] · b[k×n]; `list`: 32·k bytes of scratch for sparse rows of a, or 0. */
export function matmulNN(out: usize, a: usize, b: usize, m: i32, n: i32, k: i32, list: usize): void {
  matmulStrided(out, a, b, m, n, k, <usize>k, 1, list);
}

/** out[m×n] = a[k×m]ᵀ · b[k×n]; `list`: 32·k bytes of scratch for sparse columns of a, or 0. */
export function matmulTN(out: usize, a: usize, b: usize, m: i32, n: i32, k: i32, list: usize): void {
  matmulStrided(out, a, b, m, n, k, 1, <usize>m, list);
}
