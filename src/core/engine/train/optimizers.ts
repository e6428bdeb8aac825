// Optimizers with PyTorch's update rules (torch.optim.SGD / Adam, non-foreach path), coupled L2 weight
// decay (g ← g + λ·w, applied to parameters marked `decay`), and Keras-style max-norm.
import { jsKernels, type Kernels } from '../kernels/kernels';
import type { Param } from '../layers/layer';
import { alloc, type Vec } from '../tensor';

export interface Optimizer {
  step(params: Param[]): void;
}

export interface SgdConfig {
  lr: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

export interface AdamConfig {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
}

function state(map: Map<Param, Vec>, p: Param, kernels: Pick<Kernels, 'alloc'> = { alloc }): Vec {
  let v = map.get(p);
  if (!v) {
    v = kernels.alloc(p.value instanceof Float64Array ? 'float64' : 'float32', p.value.length);
    map.set(p, v);
  }
  return v;
}

/** buf ← μ·buf + (1 − dampening)·g (buf = g on the first step); w ← w − lr·buf (or g + μ·buf, Nesterov). */
export class Sgd implements Optimizer {
  private readonly buffers = new Map<Param, Vec>();
  private steps = 0;

  constructor(private readonly cfg: SgdConfig) {}

  step(params: Param[]): void {
    const { lr, momentum = 0, dampening = 0, nesterov = false, weightDecay = 0 } = this.cfg;
    const first = this.steps++ === 0;
    for (const p of params) {
      const w = p.value;
      const decay = p.decay ? weightDecay : 0;
      const buf = momentum !== 0 ? state(this.buffers, p) : undefined;
      for (let i = 0; i < w.length; i++) {
        let g = (p.grad[i] as number) + decay * (w[i] as number);
        if (buf) {
          const b = first ? g : momentum * (buf[i] as number) + (1 - dampening) * g;
          buf[i] = b;
          g = nesterov ? g + momentum * (buf[i] as number) : (buf[i] as number);
        }
        w[i] = (w[i] as number) - lr * g;
      }
    }
  }
}

/** PyTorch's Adam: step = lr / (1 − β1ᵗ); w ← w − step · m / (√v / √(1 − β2ᵗ) + ε). */
export class Adam implements Optimizer {
  private readonly m = new Map<Param, Vec>();
  private readonly v = new Map<Param, Vec>();
  private t = 0;

  /** `kernels` runs the update and allocates m and v (next to the weights, for the WASM kernels). */
  constructor(
    private readonly cfg: AdamConfig = {},
    private readonly kernels: Kernels = jsKernels,
  ) {}

  step(params: Param[]): void {
    const { lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0 } = this.cfg;
    this.t++;
    const stepSize = lr / (1 - beta1 ** this.t);
    const sqrtBc2 = Math.sqrt(1 - beta2 ** this.t);
    for (const p of params) {
      const m = state(this.m, p, this.kernels);
      const v = state(this.v, p, this.kernels);
      const decay = p.decay ? weightDecay : 0;
      this.kernels.adam(p.value, p.grad, m, v, p.value.length, stepSize, beta1, beta2, eps, sqrtBc2, decay);
    }
  }
}

/** Rescales each unit's incoming weights (one row of [units, ...]) whose L2 norm exceeds `maxNorm`. */
export function applyMaxNorm(params: Param[], maxNorm: number): void {
  for (const p of params) {
    if (p.units === undefined) continue;
    const w = p.value;
    const len = w.length / p.units;
    for (let u = 0; u < p.units; u++) {
      let sq = 0;
      for (let i = u * len; i < (u + 1) * len; i++) sq += (w[i] as number) ** 2;
      const norm = Math.sqrt(sq);
      if (norm <= maxNorm) continue;
      const s = maxNorm / norm;
      for (let i = u * len; i < (u + 1) * len; i++) w[i] = (w[i] as number) * s;
    }
  }
}
