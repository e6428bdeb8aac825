// AssemblyScript: the element-wise steps around a dense layer, forward and backward, over float32
// vectors at byte addresses (see Kernels.addBias, relu, sumRows, reluGrad, mul and addScaled).

/** y[rows×units] += bias[units], row by row. */
export function addBias(y: usize, bias: usize, rows: i32, units: i32): void {
  const u4 = units & ~3;
  const rowBytes = (<usize>units) << 2;
  for (let r = 0; r < rows; r++) {
    const yr = y + <usize>r * rowBytes;
    for (let j = 0; j < u4; j += 4) {
      const o = (<usize>j) << 2;
      v128.store(yr + o, f32x4.add(v128.load(yr + o), v128.load(bias + o)));
    }
    for (let j = u4; j < units; j++) {
      const o = (<usize>j) << 2;
      store<f32>(yr + o, load<f32>(yr + o) + load<f32>(bias + o));
    }
  }
}

/** out[i] = max(x[i], 0) (NaN stays NaN, −0 becomes 0, as Math.max). */
export function relu(out: usize, x: usize, n: i32): void {
  const n4 = n & ~3;
  const zero = f32x4.splat(0);
  for (let i = 0; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    v128.store(out + o, f32x4.max(v128.load(x + o), zero));
  }
  for (let i = n4; i < n; i++) {
    const o = (<usize>i) << 2;
    store<f32>(out + o, max<f32>(load<f32>(x + o), 0));
  }
}

/** out[units] = Σ over rows of g[rows×units], row by row (a dense layer's bias gradient). */
export function sumRows(out: usize, g: usize, rows: i32, units: i32): void {
  const u4 = units & ~3;
  const rowBytes = (<usize>units) << 2;
  for (let j = 0; j < u4; j += 4) {
    const o = (<usize>j) << 2;
    let acc = f32x4.splat(0);
    let p = g + o;
    for (let r = 0; r < rows; r++, p += rowBytes) acc = f32x4.add(acc, v128.load(p));
    v128.store(out + o, acc);
  }
  for (let j = u4; j < units; j++) {
    const o = (<usize>j) << 2;
    let acc: f32 = 0;
    let p = g + o;
    for (let r = 0; r < rows; r++, p += rowBytes) acc += load<f32>(p);
    store<f32>(out + o, acc);
  }
}

/** out[i] = x[i] > 0 ? g[i] : 0 (ReLU's backward; NaN in x gives 0). */
export function reluGrad(out: usize, g: usize, x: usize, n: i32): void {
  const n4 = n & ~3;
  const zero = f32x4.splat(0);
  for (let i = 0; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    v128.store(out + o, v128.and(v128.load(g + o), f32x4.gt(v128.load(x + o), zero)));
  }
  for (let i = n4; i < n; i++) {
    const o = (<usize>i) << 2;
    store<f32>(out + o, load<f32>(x + o) > 0 ? load<f32>(g + o) : 0);
  }
}

/** out[i] = a[i]·b[i] (dropout's backward: the gradient times the kept factors). */
export function mul(out: usize, a: usize, b: usize, n: i32): void {
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    v128.store(out + o, f32x4.mul(v128.load(a + o), v128.load(b + o)));
  }
  for (let i = n4; i < n; i++) {
    const o = (<usize>i) << 2;
    store<f32>(out + o, load<f32>(a + o) * load<f32>(b + o));
  }
}

/** out[i] = sa·a[i] + sb·b[i] (merging two threads' gradients). */
export function addScaled(out: usize, a: usize, sa: f32, b: usize, sb: f32, n: i32): void {
  const n4 = n & ~3;
  const va = f32x4.splat(sa);
  const vb = f32x4.splat(sb);
  for (let i = 0; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    v128.store(out + o, f32x4.add(f32x4.mul(va, v128.load(a + o)), f32x4.mul(vb, v128.load(b + o))));
  }
  for (let i = n4; i < n; i++) {
    const o = (<usize>i) << 2;
    store<f32>(out + o, sa * load<f32>(a + o) + sb * load<f32>(b + o));
  }
}
