// AssemblyScript (compiled to WebAssembly SIMD by scripts/build-wasm.mjs, not by tsc). Row-major float32
// matmuls over byte addresses in linear memory, in the three layouts of the Kernels interface. The
// caller owns all memory, scratch included: these functions allocate nothing.
//
// All three run one register tile on packed operands: A's rows four at a time as [p][4] panels, B's
// columns eight at a time as [p][8] panels, so the tile's loads are at fixed offsets from two pointers
// that step through contiguous memory. What bounds the tile on x64 (V8, read with --print-wasm-code):
// two f32x4 multiplies and two adds a cycle and about six instructions issued a cycle, so loads and
// address arithmetic compete with the arithmetic; reading the operands in place (rows k apart) cost an
// address add per load, and B's rows 1 KiB apart fell into a few L1 sets. V8 allocates 15 of x64's 16
// XMM registers and hoists a loop's loads to its top, so eight accumulators, two B vectors, four
// broadcasts and a product fill them: a 6×2 tile, a 2×16 tile or a k loop unrolled twice spill or measured
// slower. Packing costs (m + n)·k copies against m·n·k multiply-adds. The relaxed SIMD build fuses each
// multiply-add (half the arithmetic instructions).

/** a·b + c: one fused multiply-add where relaxed SIMD is enabled (a build of its own), else two ops. */
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<f32>(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Bytes of A panels one block packs: they stay in L2 while each B panel passes over them from L1. */
const BLOCK_BYTES = 262144;

/** Rows of A in one block: a multiple of 4, at least 4. */
function blockRows(k: i32): i32 {
  return max<i32>(4, (BLOCK_BYTES / max<i32>(4, k << 2)) & ~3);
}

/**
 * Scratch bytes a product of m×n×k needs (`pack`): one block of A panels, one B panel, a 4×8 tile and
 * the row of each packed group of A.
 */
export function packBytes(m: i32, n: i32, k: i32): i32 {
  const rows = min<i32>(blockRows(k), (m + 3) & ~3);
  return rows * (k << 2) + (k << 5) + 128 + rows;
}

/**
 * Packs `count` (at most `width`, 4 or 8) rows of k floats, `strideB` bytes apart, as [p][width]; missing
 * rows are zeros. Four full rows go by 4×4 transposes.
 */
function packRows(dst: usize, src: usize, count: i32, width: i32, k: i32, strideB: usize): void {
  const step = (<usize>width) << 2;
  const k4 = k & ~3;
  for (let h = 0; h < width; h += 4) {
    const s0 = src + <usize>h * strideB;
    let d = dst + ((<usize>h) << 2);
    if (count - h >= 4) {
      const s1 = s0 + strideB;
      const s2 = s1 + strideB;
      const s3 = s2 + strideB;
      for (let p = 0; p < k4; p += 4) {
        const o = (<usize>p) << 2;
        const r0 = v128.load(s0 + o);
        const r1 = v128.load(s1 + o);
        const r2 = v128.load(s2 + o);
        const r3 = v128.load(s3 + o);
        const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
        const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
        const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
        const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
        v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
        v128.store(d + step, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
        v128.store(d + 2 * step, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
        v128.store(d + 3 * step, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
        d += step << 2;
      }
      for (let p = k4; p < k; p++) {
        const o = (<usize>p) << 2;
        store<f32>(d, load<f32>(s0 + o));
        store<f32>(d, load<f32>(s1 + o), 4);
        store<f32>(d, load<f32>(s2 + o), 8);
        store<f32>(d, load<f32>(s3 + o), 12);
        d += step;
      }
    } else {
      for (let p = 0; p < k; p++) {
        for (let r = 0; r < 4; r++)
          store<f32>(
            d + ((<usize>r) << 2),
            h + r < count ? load<f32>(s0 + <usize>r * strideB + ((<usize>p) << 2)) : 0,
          );
        d += step;
      }
    }
  }
}

/**
 * Packs `count` (at most `width`, 4 or 8) consecutive floats at each of k positions `strideB` bytes apart
 * as [p][width]; missing floats are zeros.
 */
function packCols(dst: usize, src: usize, count: i32, width: i32, k: i32, strideB: usize): void {
  const step = (<usize>width) << 2;
  const end = dst + <usize>k * step;
  if (count == width) {
    if (width == 8) {
      for (let d = dst; d < end; d += 32) {
        v128.store(d, v128.load(src));
        v128.store(d, v128.load(src, 16), 16);
        src += strideB;
      }
    } else {
      for (let d = dst; d < end; d += 16) {
        v128.store(d, v128.load(src));
        src += strideB;
      }
    }
    return;
  }
  for (let d = dst; d < end; d += step) {
    for (let c = 0; c < width; c++)
      store<f32>(d + ((<usize>c) << 2), c < count ? load<f32>(src + ((<usize>c) << 2)) : 0);
    src += strideB;
  }
}

/**
 * The register tile, 4 rows × 8 columns, for each of `groups` packed groups of A's rows (A panels of
 * k·16 bytes from pa, the group's first row at `at`) against one B panel (bp, [p][8]) that holds `cols`
 * columns of out from column address c. Each output adds its k products in order of p. A partial tile
 * (the last rows of A, the last columns of b) goes through `tmp` (128 bytes). One call per B panel, not
 * per tile: a call per tile cost a tenth of a product with k = 10.
 */
function panelTiles(
  c: usize,
  rowB: usize,
  m: i32,
  pa: usize,
  bp: usize,
  k: i32,
  cols: i32,
  at: usize,
  groups: i32,
  tmp: usize,
): void {
  const panelA = (<usize>k) << 4;
  // The panel is 16-byte aligned: the mask changes nothing but tells V8 the address's upper bits are
  // clear, where the parameter itself would cost a zero-extension per step.
  const b0 = bp & ~15;
  const bEnd = b0 + ((<usize>k) << 5);
  for (let g = 0; g < groups; g++) {
    const i = load<i32>(at + ((<usize>g) << 2));
    let ap = pa + <usize>g * panelA;
    let q = b0;
    let c00 = f32x4.splat(0),
      c01 = f32x4.splat(0),
      c10 = f32x4.splat(0),
      c11 = f32x4.splat(0);
    let c20 = f32x4.splat(0),
      c21 = f32x4.splat(0),
      c30 = f32x4.splat(0),
      c31 = f32x4.splat(0);
    while (q < bEnd) {
      const x0 = v128.load(q);
      const x1 = v128.load(q, 16);
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
      ap += 16;
      q += 32;
    }
    const rows = min<i32>(4, m - i);
    const full = rows == 4 && cols == 8;
    const ci = c + <usize>i * rowB;
    const o = full ? ci : tmp;
    const ro = full ? rowB : 32;
    v128.store(o, c00);
    v128.store(o, c01, 16);
    v128.store(o + ro, c10);
    v128.store(o + ro, c11, 16);
    v128.store(o + 2 * ro, c20);
    v128.store(o + 2 * ro, c21, 16);
    v128.store(o + 3 * ro, c30);
    v128.store(o + 3 * ro, c31, 16);
    if (full) continue;
    for (let r = 0; r < rows; r++)
      for (let j = 0; j < cols; j++)
        store<f32>(ci + <usize>r * rowB + ((<usize>j) << 2), load<f32>(tmp + ((<usize>(r * 8 + j)) << 2)));
  }
}

/**
 * out[m×n] = a[m×k] · b[n×k]ᵀ, in blocks of A's rows (packed once per block); within a block, each
 * panel of eight rows of b is packed and passes over all of the block's panels. The last n % 8 columns
 * (a classifier's few outputs) take a tile that reads the rows in place, four of a by two of b, whose
 * products along k sit in the lanes of its accumulators, rather than a B panel mostly of zeros; so do
 * all columns when there are fewer than 16, too few panels to repay packing A.
 */
export function matmulNT(out: usize, a: usize, b: usize, m: i32, n: i32, k: i32, pack: usize): void {
  const kB = (<usize>k) << 2;
  const rowB = (<usize>n) << 2;
  const n8 = n < 16 ? 0 : n & ~7;
  const perBlock = blockRows(k);
  const pa = pack;
  const pb = pa + <usize>min<i32>(perBlock, (m + 3) & ~3) * kB;
  const tmp = pb + (kB << 3);
  const at = tmp + 128;
  for (let i0 = 0; i0 < m; i0 += perBlock) {
    const i1 = min<i32>(m, i0 + perBlock);
    const groups = n8 > 0 ? (i1 - i0 + 3) >> 2 : 0;
    for (let g = 0; g < groups; g++) {
      const i = i0 + (g << 2);
      packRows(pa + <usize>g * (kB << 2), a + <usize>i * kB, min<i32>(4, i1 - i), 4, k, kB);
      store<i32>(at + ((<usize>g) << 2), i);
    }
    for (let j = 0; j < n8; j += 8) {
      packRows(pb, b + <usize>j * kB, 8, 8, k, kB);
      panelTiles(out + ((<usize>j) << 2), rowB, m, pa, pb, k, 8, at, groups, tmp);
    }
    if (n8 < n) edgeNT(out, a, b, i0, i1, n8, n, k);
  }
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

/** Rows i0..i1 × columns j0..n of matmulNT, read in place: 4×2 tiles, then dot products. */
function edgeNT(out: usize, a: usize, b: usize, i0: i32, i1: i32, j0: i32, n: i32, k: i32): void {
  const rowBytes = (<usize>k) << 2;
  const rowOut = (<usize>n) << 2;
  const k4 = k & ~3;
  const i4 = i0 + ((i1 - i0) & ~3);
  const n2 = j0 + ((n - j0) & ~1);
  for (let j = j0; j < n2; j += 2) {
    const b0 = b + <usize>j * rowBytes;
    const b1 = b0 + rowBytes;
    for (let i = i0; i < i4; i += 4) {
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
  // The last row of b when n - j0 is odd, the last (i1 - i0) % 4 rows of a.
  for (let i = i0; i < i1; i++) {
    const ai = a + <usize>i * rowBytes;
    for (let j = i < i4 ? n2 : j0; j < n; j++)
      store<f32>(out + ((<usize>i * <usize>n + <usize>j) << 2), dot(ai, b + <usize>j * rowBytes, k));
  }
}

/**
 * out[m×n] = A · b[k×n] where A(i, p) = a[i·rs + p·cs]: NN is (rs, cs) = (k, 1), TN (a stored [k×m]) is
 * (1, m). Rows of A go four at a time. Where at most half of their entries are nonzero (the gradients
 * behind ReLU and dropout: about a quarter in W1; counted first), each row adds up only the rows of b
 * its nonzero entries pick (sparseRow), from a list that `list` (8·k bytes a row, 0: no room) holds. The other groups
 * are packed, a block at a time, and run the register tile against each panel of b (flush). Both add
 * the same products in the same order (a zero entry adds 0·b exactly: only a NaN or infinity in b is
 * lost with it, as in the JS kernels, which skip zeros too).
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
  pack: usize,
): void {
  const rowB = (<usize>n) << 2;
  const rsB = rs << 2;
  const csB = cs << 2;
  const kB = (<usize>k) << 2;
  const listRow = (<usize>k) << 3;
  const perBlock = blockRows(k);
  const pa = pack;
  const pb = pa + <usize>min<i32>(perBlock, (m + 3) & ~3) * kB;
  const tmp = pb + (kB << 3);
  const at = tmp + 128;
  let groups = 0;
  for (let i = 0; i < m; i += 4) {
    const rows = min<i32>(4, m - i);
    const a0 = a + <usize>i * rsB;
    if (list != 0 && nonzeros(a0, rsB, csB, rows, k) * 2 <= rows * k) {
      const n0 = compact(list, a0, csB, k, rowB);
      const n1 = rows > 1 ? compact(list + listRow, a0 + rsB, csB, k, rowB) : 0;
      const n2 = rows > 2 ? compact(list + 2 * listRow, a0 + 2 * rsB, csB, k, rowB) : 0;
      const n3 = rows > 3 ? compact(list + 3 * listRow, a0 + 3 * rsB, csB, k, rowB) : 0;
      const c0 = out + <usize>i * rowB;
      sparseRow(c0, b, n, list, n0);
      if (rows > 1) sparseRow(c0 + rowB, b, n, list + listRow, n1);
      if (rows > 2) sparseRow(c0 + 2 * rowB, b, n, list + 2 * listRow, n2);
      if (rows > 3) sparseRow(c0 + 3 * rowB, b, n, list + 3 * listRow, n3);
      continue;
    }
    const panel = pa + <usize>groups * (kB << 2);
    if (rs == 1) packCols(panel, a0, rows, 4, k, csB);
    else packRows(panel, a0, rows, 4, k, rsB);
    store<i32>(at + ((<usize>groups) << 2), i);
    groups++;
    if (groups << 2 == perBlock) {
      flush(out, b, m, n, k, pa, pb, tmp, at, groups);
      groups = 0;
    }
  }
  if (groups > 0) flush(out, b, m, n, k, pa, pb, tmp, at, groups);
}

/** The packed groups of A (their rows at `at`) against every panel of eight columns of b. */
function flush(
  out: usize,
  b: usize,
  m: i32,
  n: i32,
  k: i32,
  pa: usize,
  pb: usize,
  tmp: usize,
  at: usize,
  groups: i32,
): void {
  const rowB = (<usize>n) << 2;
  for (let j = 0; j < n; j += 8) {
    const cols = min<i32>(8, n - j);
    packCols(pb, b + ((<usize>j) << 2), cols, 8, k, rowB);
    panelTiles(out + ((<usize>j) << 2), rowB, m, pa, pb, k, cols, at, groups, tmp);
  }
}

/**
 * Nonzero entries of `rows` (at most 4) rows of A from a0 (rows rsB bytes apart, entries csB), counted
 * four at a time where four sit side by side (a row of NN, the four rows of TN at one p): a dense group
 * is then packed without first listing its entries.
 */
function nonzeros(a0: usize, rsB: usize, csB: usize, rows: i32, k: i32): i32 {
  const zero = f32x4.splat(0);
  let acc = i32x4.splat(0);
  let count = 0;
  if (csB == 4) {
    const k4 = k & ~3;
    for (let r = 0; r < rows; r++) {
      const row = a0 + <usize>r * rsB;
      for (let p = 0; p < k4; p += 4)
        acc = i32x4.sub(acc, f32x4.ne(v128.load(row + ((<usize>p) << 2)), zero));
      for (let p = k4; p < k; p++) count += i32(load<f32>(row + ((<usize>p) << 2)) != 0);
    }
  } else if (rows == 4) {
    const end = a0 + <usize>k * csB;
    for (let at = a0; at < end; at += csB) acc = i32x4.sub(acc, f32x4.ne(v128.load(at), zero));
  } else {
    for (let r = 0; r < rows; r++)
      for (let p = 0; p < k; p++) count += i32(load<f32>(a0 + <usize>r * rsB + <usize>p * csB) != 0);
  }
  return (
    count +
    i32x4.extract_lane(acc, 0) +
    i32x4.extract_lane(acc, 1) +
    i32x4.extract_lane(acc, 2) +
    i32x4.extract_lane(acc, 3)
  );
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

/** out[m×n] = a[m×k] · b[k×n]; `list`: 32·k bytes of scratch for sparse rows of a, or 0; `pack`: packBytes. */
export function matmulNN(
  out: usize,
  a: usize,
  b: usize,
  m: i32,
  n: i32,
  k: i32,
  list: usize,
  pack: usize,
): void {
  matmulStrided(out, a, b, m, n, k, <usize>k, 1, list, pack);
}

/** out[m×n] = a[k×m]ᵀ · b[k×n]; `list`: 32·k bytes of scratch for sparse columns of a, or 0; `pack`: packBytes. */
export function matmulTN(
  out: usize,
  a: usize,
  b: usize,
  m: i32,
  n: i32,
  k: i32,
  list: usize,
  pack: usize,
): void {
  matmulStrided(out, a, b, m, n, k, 1, <usize>m, list, pack);
}
