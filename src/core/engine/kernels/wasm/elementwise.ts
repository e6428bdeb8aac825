// AssemblyScript: the element-wise steps of a dense layer's forward pass over float32 vectors at byte
// addresses (see Kernels.addBias and Kernels.relu).

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
