// The dropout family. Each draw multiplies x by a per-element factor (kept for backward) and, for alpha
// dropout, adds a per-element offset:
//   standard, inverted (Srivastava et al. 2014 as implemented by every framework): train y = m·x/(1−p), inference y = x
//   standard, classic (the paper's original form): train y = m·x, inference y = (1−p)·x
//   spatial (Tompson et al. 2015): one inverted mask per sample and channel of [N, C, ...]
//   alpha (Klambauer et al. 2017): y = a·(m·x + (1−m)·α′) + b with α′ = −λα, q = 1−p,
//     a = (q + α′²·q·(1−q))^(−1/2), b = −a·(1−q)·α′, so SELU's mean 0 / variance 1 survive
//   gaussian (Srivastava et al. 2014 §10): y = x·ε, ε ~ N(1, p/(1−p))
//   gaussian-noise: y = x + σ·ε, ε ~ N(0, 1) (additive; `rate` is σ)
// m ~ Bernoulli(1 − p). A layer with mode 'always' stays stochastic at inference (MC dropout).
import { SELU_ALPHA, SELU_LAMBDA } from './activations';
import type { Kernels } from '../kernels/kernels';
import type { EngineLayer, ForwardContext, LayerSetup } from './layer';
import { EngineError } from './layer';
import { Workspace, type Tensor } from '../tensor';

export type DropoutKind = 'standard' | 'spatial' | 'alpha' | 'gaussian' | 'gaussian-noise';

export interface DropoutConfig {
  variant: DropoutKind;
  /** Drop probability (gaussian-noise: the standard deviation). */
  rate: number;
  /** Standard dropout only: where the 1/(1−p) correction goes. */
  scaling?: 'inverted' | 'classic';
  mode?: 'train-only' | 'always';
}

const ALPHA_PRIME = -SELU_LAMBDA * SELU_ALPHA;

export class Dropout implements EngineLayer {
  readonly kind = 'dropout';
  readonly params = [];
  readonly outputShape: number[];
  /** The rate in effect; a schedule changes it between epochs. Starts at the configured rate. */
  rate: number;
  private readonly ws: Workspace;
  private readonly kernels: Kernels;
  private factor?: Tensor;
  private stochastic = false;

  constructor(
    readonly name: string,
    readonly cfg: DropoutConfig,
    setup: LayerSetup,
  ) {
    const limit = cfg.variant === 'gaussian-noise' ? Infinity : 1;
    if (!(cfg.rate >= 0 && cfg.rate < limit))
      throw new EngineError(`${name}: dropout rate ${cfg.rate} is outside [0, 1)`);
    this.rate = cfg.rate;
    this.outputShape = [...setup.inputShape];
    this.ws = new Workspace(setup.dtype, setup.kernels);
    this.kernels = setup.kernels;
  }

  init(): void {}

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    const p = this.rate;
    this.stochastic = (ctx.training || this.cfg.mode === 'always') && p > 0;
    const classic = this.cfg.variant === 'standard' && this.cfg.scaling === 'classic';
    if (!this.stochastic) {
      if (!classic || p === 0) return x;
      const y = this.ws.tensor('y', x.shape);
      for (let i = 0; i < x.data.length; i++) y.data[i] = (1 - p) * (x.data[i] as number);
      this.factor = undefined;
      return y;
    }
    const y = this.ws.tensor('y', x.shape);
    const f = this.ws.tensor('factor', x.shape);
    const a = x.data;
    const o = y.data;
    const m = f.data;
    const n = a.length;
    const rng = ctx.rng;
    // Rows that start a group draw; the others reuse the row above (consistent MC masks). group 1 = fresh.
    const group = Math.max(1, ctx.maskRows ?? 1);
    const batch = x.shape[0] as number;
    const row = n / batch;
    const fresh = (r: number) => r % group === 0;
    switch (this.cfg.variant) {
      case 'standard':
      case 'alpha': {
        const alpha = this.cfg.variant === 'alpha';
        const q = 1 - p;
        const scale = alpha ? 1 / Math.sqrt(q + ALPHA_PRIME * ALPHA_PRIME * q * p) : classic ? 1 : 1 / q;
        const shift = -scale * p * ALPHA_PRIME;
        // next() ≥ p  ⇔  nextUint32() ≥ ⌈p·2³²⌉ (exact): the same masks without a division per element.
        const threshold = Math.ceil(p * 4294967296);
        if (!alpha && group === 1 && threshold < 4294967296) {
          this.kernels.dropout(o, m, a, n, rng.skip(n), threshold, scale);
          break;
        }
        for (let r = 0; r < batch; r++) {
          const draw = fresh(r);
          for (let i = r * row; i < (r + 1) * row; i++) {
            m[i] = draw ? (rng.nextUint32() >= threshold ? scale : 0) : (m[i - row] as number);
            if (!alpha) o[i] = (m[i] as number) * (a[i] as number);
            else o[i] = m[i] !== 0 ? scale * (a[i] as number) + shift : scale * ALPHA_PRIME + shift;
          }
        }
        break;
      }
      case 'spatial': {
        const channels = x.shape[1] ?? 1;
        const plane = row / channels;
        const keepScale = 1 / (1 - p);
        for (let r = 0; r < batch; r++)
          for (let c = r * channels; c < (r + 1) * channels; c++) {
            const factor = fresh(r)
              ? rng.next() >= p
                ? keepScale
                : 0
              : (m[(c - channels) * plane] as number);
            for (let i = c * plane; i < (c + 1) * plane; i++) {
              m[i] = factor;
              o[i] = factor * (a[i] as number);
            }
          }
        break;
      }
      case 'gaussian': {
        const std = Math.sqrt(p / (1 - p));
        for (let r = 0; r < batch; r++)
          for (let i = r * row; i < (r + 1) * row; i++) {
            m[i] = fresh(r) ? 1 + std * rng.normal() : (m[i - row] as number);
            o[i] = (m[i] as number) * (a[i] as number);
          }
        break;
      }
      case 'gaussian-noise': {
        // The noise itself is what a consistent mask shares; it is kept in the output's offset from x.
        for (let r = 0; r < batch; r++)
          for (let i = r * row; i < (r + 1) * row; i++) {
            m[i] = 1;
            const e = fresh(r) ? p * rng.normal() : (o[i - row] as number) - (a[i - row] as number);
            o[i] = (a[i] as number) + e;
          }
        break;
      }
    }
    this.factor = f;
    return y;
  }

  backward(dy: Tensor, needInputGrad: boolean): Tensor | undefined {
    if (!needInputGrad) return undefined;
    const classic = this.cfg.variant === 'standard' && this.cfg.scaling === 'classic';
    if (!this.stochastic && (!classic || this.rate === 0)) return dy;
    const dx = this.ws.tensor('dx', dy.shape);
    const g = dy.data;
    if (!this.stochastic) {
      for (let i = 0; i < g.length; i++) dx.data[i] = (1 - this.rate) * (g[i] as number);
      return dx;
    }
    const m = (this.factor as Tensor).data;
    for (let i = 0; i < g.length; i++) dx.data[i] = (m[i] as number) * (g[i] as number);
    return dx;
  }

  config(): Record<string, unknown> {
    return { type: 'dropout', name: this.name, ...this.cfg };
  }
}

/** When dropout is on during training (Liu et al., "Dropout Reduces Underfitting", ICML 2023). */
export type DropoutSchedule =
  | { kind: 'constant' }
  /** On for the first `epochs` epochs, then off: early dropout, against underfitting. */
  | { kind: 'early'; epochs: number }
  /** Off for the first `epochs` epochs, then on: late dropout, against overfitting. */
  | { kind: 'late'; epochs: number };

/** The rate a layer configured with `rate` uses in epoch `epoch` (0-based). */
export function scheduledRate(rate: number, schedule: DropoutSchedule, epoch: number): number {
  switch (schedule.kind) {
    case 'constant':
      return rate;
    case 'early':
      return epoch < schedule.epochs ? rate : 0;
    case 'late':
      return epoch < schedule.epochs ? 0 : rate;
  }
}
