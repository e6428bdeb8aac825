// The hot kernels behind a small interface, so a WebAssembly SIMD implementation (kernels/) can replace
// the plain JS one without touching the layers. Signatures are (out, a, b, m, n, k) over preallocated
// row-major buffers; nothing here allocates. Layers allocate their buffers through `alloc`, so buffers
// live where the kernels work on them without copies (WebAssembly memory for the WASM kernels).
import { MULBERRY_STEP, mulberry32 } from '../../random/rng';
import { alloc, type Allocator, type Vec } from '../tensor';

export interface ConvGeometry {
  batch: number;
  channels: number;
  height: number;
  width: number;
  kernel: number;
  stride: number;
  padding: number;
  outHeight: number;
  outWidth: number;
}

export interface Kernels extends Allocator {
  /** out[m×n] = a[m×k] · b[n×k]ᵀ — dense forward with PyTorch-layout weights [out, in]. */
  matmulNT(out: Vec, a: Vec, b: Vec, m: number, n: number, k: number): void;
  /** out[m×n] = a[m×k] · b[k×n] — input gradient. */
  matmulNN(out: Vec, a: Vec, b: Vec, m: number, n: number, k: number): void;
  /** out[m×n] = a[k×m]ᵀ · b[k×n] — weight gradient. */
  matmulTN(out: Vec, a: Vec, b: Vec, m: number, n: number, k: number): void;
  /** y[rows×units] += bias[units], row by row (dense forward). */
  addBias(y: Vec, bias: Vec, rows: number, units: number): void;
  /** out[i] = max(x[i], 0) for i < n. */
  relu(out: Vec, x: Vec, n: number): void;
  /** out[units] = Σ over rows of g[rows×units], summed row by row (dense backward: the bias gradient). */
  sumRows(out: Vec, g: Vec, rows: number, units: number): void;
  /** out[i] = x[i] > 0 ? g[i] : 0 for i < n (ReLU backward). */
  reluGrad(out: Vec, g: Vec, x: Vec, n: number): void;
  /** out[i] = a[i]·b[i] for i < n (dropout backward: gradient times the kept factors). */
  mul(out: Vec, a: Vec, b: Vec, n: number): void;
  /** out[i] = sa·a[i] + sb·b[i] for i < n, rounded as float32 after each operation (merging gradients). */
  addScaled(out: Vec, a: Vec, sa: number, b: Vec, sb: number, n: number): void;
  /**
   * Dropout with a fresh mask per element, drawn from mulberry32 exactly as Rng does: element i draws
   * u = mulberry32(state + (i + 1)·MULBERRY_STEP) (state from Rng.skip(n)); factor[i] = u ≥ threshold ?
   * scale : 0 and out[i] = factor[i]·x[i]. threshold = ⌈p·2³²⌉ < 2³², so u ≥ threshold ⇔ u/2³² ≥ p.
   */
  dropout(out: Vec, factor: Vec, x: Vec, n: number, state: number, threshold: number, scale: number): void;
  /** NCHW input → rows [batch·outH·outW, channels·kernel²] (zero padding). */
  im2col(cols: Vec, x: Vec, g: ConvGeometry): void;
  /** The adjoint of im2col: sums column gradients back into dx (which it overwrites). */
  col2im(dx: Vec, cols: Vec, g: ConvGeometry): void;
  /**
   * One Adam update of n parameters in place (PyTorch's rule, optimizers.ts): g ← g + decay·w;
   * m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²; w ← w − step · m / (√v / sqrtBc2 + ε).
   */
  adam(
    w: Vec,
    g: Vec,
    m: Vec,
    v: Vec,
    n: number,
    step: number,
    beta1: number,
    beta2: number,
    eps: number,
    sqrtBc2: number,
    decay: number,
  ): void;
}

export const jsKernels: Kernels = {
  alloc,

  matmulNT(out, a, b, m, n, k) {
    for (let i = 0; i < m; i++) {
      const ai = i * k;
      for (let j = 0; j < n; j++) {
        const bj = j * k;
        let s = 0;
        for (let p = 0; p < k; p++) s += (a[ai + p] as number) * (b[bj + p] as number);
        out[i * n + j] = s;
      }
    }
  },

  matmulNN(out, a, b, m, n, k) {
    out.fill(0, 0, m * n);
    for (let i = 0; i < m; i++) {
      const oi = i * n;
      for (let p = 0; p < k; p++) {
        const aip = a[i * k + p] as number;
        if (aip === 0) continue;
        const bp = p * n;
        for (let j = 0; j < n; j++) out[oi + j] = (out[oi + j] as number) + aip * (b[bp + j] as number);
      }
    }
  },

  matmulTN(out, a, b, m, n, k) {
    out.fill(0, 0, m * n);
    for (let p = 0; p < k; p++) {
      const bp = p * n;
      for (let i = 0; i < m; i++) {
        const api = a[p * m + i] as number;
        if (api === 0) continue;
        const oi = i * n;
        for (let j = 0; j < n; j++) out[oi + j] = (out[oi + j] as number) + api * (b[bp + j] as number);
      }
    }
  },

  addBias(y, bias, rows, units) {
    for (let r = 0, o = 0; r < rows; r++, o += units)
      for (let j = 0; j < units; j++) y[o + j] = (y[o + j] as number) + (bias[j] as number);
  },

  relu(out, x, n) {
    for (let i = 0; i < n; i++) out[i] = Math.max(x[i] as number, 0);
  },

  sumRows(out, g, rows, units) {
    out.fill(0, 0, units);
    for (let r = 0, o = 0; r < rows; r++, o += units)
      for (let j = 0; j < units; j++) out[j] = (out[j] as number) + (g[o + j] as number);
  },

  reluGrad(out, g, x, n) {
    for (let i = 0; i < n; i++) out[i] = (x[i] as number) > 0 ? (g[i] as number) : 0;
  },

  mul(out, a, b, n) {
    for (let i = 0; i < n; i++) out[i] = (a[i] as number) * (b[i] as number);
  },

  addScaled(out, a, sa, b, sb, n) {
    // float32 steps, as the WebAssembly kernel takes them: both give the same bits.
    const f = Math.fround;
    const [fa, fb] = [f(sa), f(sb)];
    for (let i = 0; i < n; i++) out[i] = f(f(fa * (a[i] as number)) + f(fb * (b[i] as number)));
  },

  dropout(out, factor, x, n, state, threshold, scale) {
    // Local copies: a compiled module may reach imports through getters, once per use.
    const mix = mulberry32;
    const step = MULBERRY_STEP;
    let s = state;
    for (let i = 0; i < n; i++) {
      s = (s + step) | 0;
      factor[i] = mix(s) >= threshold ? scale : 0;
      out[i] = (factor[i] as number) * (x[i] as number);
    }
  },

  im2col(cols, x, g) {
    const { batch, channels: C, height: H, width: W, kernel: K, stride: S, padding: P } = g;
    const rowLength = C * K * K;
    let row = 0;
    for (let nIdx = 0; nIdx < batch; nIdx++) {
      for (let oy = 0; oy < g.outHeight; oy++) {
        for (let ox = 0; ox < g.outWidth; ox++, row++) {
          let col = row * rowLength;
          for (let c = 0; c < C; c++) {
            const plane = (nIdx * C + c) * H * W;
            for (let ky = 0; ky < K; ky++) {
              const iy = oy * S + ky - P;
              for (let kx = 0; kx < K; kx++, col++) {
                const ix = ox * S + kx - P;
                cols[col] = iy >= 0 && iy < H && ix >= 0 && ix < W ? (x[plane + iy * W + ix] as number) : 0;
              }
            }
          }
        }
      }
    }
  },

  col2im(dx, cols, g) {
    const { batch, channels: C, height: H, width: W, kernel: K, stride: S, padding: P } = g;
    const rowLength = C * K * K;
    dx.fill(0, 0, batch * C * H * W);
    let row = 0;
    for (let nIdx = 0; nIdx < batch; nIdx++) {
      for (let oy = 0; oy < g.outHeight; oy++) {
        for (let ox = 0; ox < g.outWidth; ox++, row++) {
          let col = row * rowLength;
          for (let c = 0; c < C; c++) {
            const plane = (nIdx * C + c) * H * W;
            for (let ky = 0; ky < K; ky++) {
              const iy = oy * S + ky - P;
              for (let kx = 0; kx < K; kx++, col++) {
                const ix = ox * S + kx - P;
                if (iy >= 0 && iy < H && ix >= 0 && ix < W) {
                  const at = plane + iy * W + ix;
                  dx[at] = (dx[at] as number) + (cols[col] as number);
                }
              }
            }
          }
        }
      }
    }
  },

  adam(w, g, m, v, n, step, beta1, beta2, eps, sqrtBc2, decay) {
    for (let i = 0; i < n; i++) {
      const gi = (g[i] as number) + decay * (w[i] as number);
      m[i] = beta1 * (m[i] as number) + (1 - beta1) * gi;
      v[i] = beta2 * (v[i] as number) + (1 - beta2) * gi * gi;
      w[i] = (w[i] as number) - (step * (m[i] as number)) / (Math.sqrt(v[i] as number) / sqrtBc2 + eps);
    }
  },
};
