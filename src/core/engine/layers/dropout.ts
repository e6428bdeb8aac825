// The dropout family, built from the IR's DropoutSpec names. Each draw multiplies x by a per-element
// factor (kept for backward) and, for alpha dropout, adds a per-element offset:
//   standard, inverted (Srivastava et al. 2014 as implemented by every framework): train y = m·x/(1−p), inference y = x
//   standard, inference-scale (the paper's original form): train y = m·x, inference y = (1−p)·x
//   spatial (Tompson et al. 2015): one inverted mask per sample and channel of [N, C, ...]
//   alpha (Klambauer et al. 2017): y = a·(m·x + (1−m)·α′) + b with α′ = −λα, q = 1−p,
//     a = (q + α′²·q·(1−q))^(−1/2), b = −a·(1−q)·α′, so SELU's mean 0 / variance 1 survive
//   gaussian (Srivastava et al. 2014 §10): y = x·ε, ε ~ N(1, p/(1−p))
//   gaussian-noise: y = x + σ·ε, ε ~ N(0, 1) (additive; σ is `stddev`)
// m ~ Bernoulli(1 − p). A layer with mode 'always' or 'inference-active' stays stochastic at inference
// (MC dropout). A layer its schedule switches off for an epoch is the identity in that epoch.
import { randomAtInference, type DropoutSchedule } from '../../model/ir';
import { SELU_ALPHA, SELU_LAMBDA, type DropoutLayerSpec } from '../../model/network-spec';
import type { Kernels } from '../kernels/kernels';
import type { EngineLayer, ForwardContext, LayerSetup } from './layer';
import { EngineError } from '../engine-error';
import type { Rng } from '../../random/rng';
import { Workspace, type Tensor, type Vec } from '../tensor';

const ALPHA_PRIME = -SELU_LAMBDA * SELU_ALPHA;

/** True when a layer with `schedule` is on in 0-based epoch `epoch` (Liu et al., ICML 2023). */
export function scheduledOn(schedule: DropoutSchedule | undefined, epoch: number): boolean {
  if (schedule === undefined || schedule.kind === 'constant') return true;
  return schedule.kind === 'early' ? epoch < schedule.epoch : epoch >= schedule.epoch;
}

export class Dropout implements EngineLayer {
  readonly kind = 'dropout';
  readonly params = [];
  readonly outputShape: number[];
  /** False while the layer's schedule has it off (the training loop sets it each epoch). */
  on = true;
  private readonly ws: Workspace;
  private readonly kernels: Kernels;
  private factor?: Tensor;
  private stochastic = false;
  /** Gaussian noise's draws, kept exactly for the rows that share them. */
  private noise = new Float64Array(0);

  constructor(
    readonly name: string,
    readonly spec: DropoutLayerSpec,
    setup: LayerSetup,
  ) {
    if (spec.variant === 'gaussian-noise') {
      if (!(spec.stddev !== undefined && spec.stddev >= 0 && spec.stddev < Infinity))
        throw new EngineError(`${name}: Gaussian noise σ ${spec.stddev} is not a number ≥ 0`);
    } else if (!(spec.rate >= 0 && spec.rate < 1))
      throw new EngineError(`${name}: dropout rate ${spec.rate} is outside [0, 1)`);
    if (spec.scaling === 'inference-scale' && spec.variant !== 'standard')
      throw new EngineError(`${name}: inference-scale scaling is defined for standard dropout only`);
    this.outputShape = [...setup.inputShape];
    this.ws = new Workspace(setup.dtype, setup.kernels);
    this.kernels = setup.kernels;
  }

  init(): void {}

  /** The noise level in effect: the drop probability, or σ for Gaussian noise; 0 while switched off. */
  level(): number {
    if (!this.on) return 0;
    return this.spec.variant === 'gaussian-noise' ? (this.spec.stddev as number) : this.spec.rate;
  }

  /** Inference-scale dropout multiplies by 1 − p outside training. */
  private get inferenceScale(): boolean {
    return this.spec.scaling === 'inference-scale';
  }

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    const p = this.level();
    this.stochastic = (ctx.training || randomAtInference(this.spec)) && p > 0;
    const inferenceScale = this.inferenceScale;
    if (!this.stochastic) {
      if (!inferenceScale || p === 0) return x;
      const y = this.ws.tensor('y', x.shape);
      for (let i = 0; i < x.data.length; i++) y.data[i] = (1 - p) * (x.data[i] as number);
      this.factor = undefined;
      return y;
    }
    const y = this.ws.tensor('y', x.shape);
    const f = this.ws.tensor('factor', x.shape);
    const batch = x.shape[0] as number;
    // Rows that start a group draw; the others reuse the row above (consistent MC masks). group 1 = fresh.
    const group = Math.max(1, ctx.maskRows ?? 1);
    const blocks = ctx.blocks;
    const perBlock = blocks ? batch / blocks.passes : batch;
    if (ctx.rows) {
      // Normals come in pairs, so a share of the stream of normals cannot start at any row.
      if (this.drawsNormals || group !== 1)
        throw new EngineError(`${this.name}: ${this.spec.variant} dropout cannot be split over workers`);
      const perRow = this.drawsPerRow(x);
      ctx.rng.skip(ctx.rows.offset * perRow);
      this.drawRows(x, y.data, f.data, 0, batch, group, ctx.rng);
      ctx.rng.skip((ctx.rows.total - ctx.rows.offset - batch) * perRow);
    } else if (
      !blocks ||
      !Number.isInteger(perBlock) ||
      perBlock % group !== 0 ||
      perBlock % blocks.samples !== 0
    ) {
      this.drawRows(x, y.data, f.data, 0, batch, group, ctx.rng);
    } else {
      // Drawing rows before block b in one batch over every sample: all earlier passes, then this pass's
      // earlier samples (fresh), or one mask per group and pass (consistent).
      const perSample = perBlock / blocks.samples;
      const drawsPerPass = blocks.consistent ? perBlock / group : blocks.total * perSample;
      const skipped = blocks.consistent ? 0 : blocks.offset * perSample;
      for (let b = 0; b < blocks.passes; b++) {
        const rows = (blocks.first + b) * drawsPerPass + skipped;
        if (this.drawsNormals) ctx.rng.seekNormal(rows * this.drawsPerRow(x));
        else ctx.rng.seek(rows * this.drawsPerRow(x));
        this.drawRows(x, y.data, f.data, b * perBlock, (b + 1) * perBlock, group, ctx.rng);
      }
    }
    this.factor = f;
    return y;
  }

  /** Gaussian dropout and noise draw normals; the others uniforms. */
  private get drawsNormals(): boolean {
    return this.spec.variant === 'gaussian' || this.spec.variant === 'gaussian-noise';
  }

  /** Values one drawing row takes from the stream: one per element, or one per channel (spatial). */
  private drawsPerRow(x: Tensor): number {
    // From the shape, not data.length / rows: a worker's share of a batch may have no rows.
    const row = x.shape.slice(1).reduce((a, d) => a * d, 1);
    return this.spec.variant === 'spatial' ? (x.shape[1] ?? 1) : row;
  }

  /** Draws the factors of rows [from, to) of x into m and writes the output into o. */
  private drawRows(x: Tensor, o: Vec, m: Vec, from: number, to: number, group: number, rng: Rng): void {
    const p = this.level();
    const a = x.data;
    const row = a.length / (x.shape[0] as number);
    const fresh = (r: number) => r % group === 0;
    switch (this.spec.variant) {
      case 'standard':
      case 'alpha': {
        const alpha = this.spec.variant === 'alpha';
        const q = 1 - p;
        const scale = alpha
          ? 1 / Math.sqrt(q + ALPHA_PRIME * ALPHA_PRIME * q * p)
          : this.inferenceScale
            ? 1
            : 1 / q;
        const shift = -scale * p * ALPHA_PRIME;
        // next() ≥ p  ⇔  nextUint32() ≥ ⌈p·2³²⌉ (exact): the same masks without a division per element.
        const threshold = Math.ceil(p * 4294967296);
        if (!alpha && group === 1 && threshold < 4294967296) {
          const [lo, n] = [from * row, (to - from) * row];
          const whole = lo === 0 && n === a.length;
          const view = (v: Vec) => (whole ? v : v.subarray(lo, lo + n));
          this.kernels.dropout(view(o), view(m), view(a), n, rng.skip(n), threshold, scale);
          break;
        }
        for (let r = from; r < to; r++) {
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
        for (let r = from; r < to; r++)
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
        for (let r = from; r < to; r++)
          for (let i = r * row; i < (r + 1) * row; i++) {
            m[i] = fresh(r) ? 1 + std * rng.normal() : (m[i - row] as number);
            o[i] = (m[i] as number) * (a[i] as number);
          }
        break;
      }
      case 'gaussian-noise': {
        // The noise itself is what a consistent mask shares.
        if (this.noise.length < a.length) this.noise = new Float64Array(a.length);
        const e = this.noise;
        for (let r = from; r < to; r++)
          for (let i = r * row; i < (r + 1) * row; i++) {
            m[i] = 1;
            e[i] = fresh(r) ? p * rng.normal() : (e[i - row] as number);
            o[i] = (a[i] as number) + (e[i] as number);
          }
        break;
      }
    }
  }

  backward(dy: Tensor, needInputGrad: boolean): Tensor | undefined {
    if (!needInputGrad) return undefined;
    const p = this.level();
    if (!this.stochastic && (!this.inferenceScale || p === 0)) return dy;
    const dx = this.ws.tensor('dx', dy.shape);
    const g = dy.data;
    if (!this.stochastic) {
      for (let i = 0; i < g.length; i++) dx.data[i] = (1 - p) * (g[i] as number);
      return dx;
    }
    this.kernels.mul(dx.data, (this.factor as Tensor).data, g, g.length);
    return dx;
  }

  config(): Record<string, unknown> {
    return { type: 'dropout', name: this.name, ...this.spec };
  }
}
