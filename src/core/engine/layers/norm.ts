// Normalisation layers with PyTorch's semantics. BatchNorm normalises per channel (axis 1 of [N, C] or
// [N, C, H, W]) with the biased batch variance, and updates running statistics with momentum 0.1 and the
// unbiased variance; inference uses the running statistics. LayerNorm normalises each row over the last
// axis. Both use eps = 1e-5 and a learned scale γ and shift β.
import type { NormSpec } from '../../model/network-spec';
import type { EngineLayer, LayerSetup, Param } from './layer';
import { EngineError } from '../engine-error';
import { Workspace, alloc, sizeOf, type Tensor, type Vec } from '../tensor';

function scaleAndShift(name: string, setup: LayerSetup, n: number): [Param, Param] {
  const gamma: Param = {
    name: `${name}.weight`,
    value: alloc(setup.dtype, n).fill(1),
    grad: alloc(setup.dtype, n),
    shape: [n],
    decay: false,
  };
  const beta: Param = {
    name: `${name}.bias`,
    value: alloc(setup.dtype, n),
    grad: alloc(setup.dtype, n),
    shape: [n],
    decay: false,
  };
  return [gamma, beta];
}

export class BatchNorm implements EngineLayer {
  readonly kind = 'batchnorm';
  readonly outputShape: number[];
  readonly params: Param[];
  readonly buffers: { name: string; value: Vec }[];
  private readonly C: number;
  private readonly plane: number;
  private readonly eps: number;
  private readonly momentum: number;
  private readonly runningMean: Vec;
  private readonly runningVar: Vec;
  /** Per channel: 1/√(var + eps) of the last forward. */
  private readonly invStd: Vec;
  private readonly ws: Workspace;
  private xhat?: Tensor;
  /** Whether the last forward used batch statistics (then they take part in the gradient). */
  private training = false;

  constructor(
    readonly name: string,
    private readonly cfg: NormSpec,
    setup: LayerSetup,
  ) {
    this.outputShape = [...setup.inputShape];
    this.C = setup.inputShape[0] as number;
    this.plane = sizeOf(setup.inputShape.slice(1));
    this.eps = cfg.eps ?? 1e-5;
    this.momentum = cfg.momentum ?? 0.1;
    this.params = scaleAndShift(name, setup, this.C);
    this.runningMean = alloc(setup.dtype, this.C);
    this.runningVar = alloc(setup.dtype, this.C).fill(1);
    this.buffers = [
      { name: `${name}.running_mean`, value: this.runningMean },
      { name: `${name}.running_var`, value: this.runningVar },
    ];
    this.invStd = alloc(setup.dtype, this.C);
    this.ws = new Workspace(setup.dtype, setup.kernels);
  }

  init(): void {
    (this.params[0] as Param).value.fill(1);
    (this.params[1] as Param).value.fill(0);
    this.runningMean.fill(0);
    this.runningVar.fill(1);
  }

  forward(x: Tensor, ctx: { training: boolean; rows?: unknown }): Tensor {
    // Batch statistics over a share of the batch are not the whole batch's.
    if (ctx.training && ctx.rows)
      throw new EngineError(`${this.name}: batchnorm cannot be trained split over workers`);
    const batch = x.shape[0] as number;
    const { C, plane } = this;
    const m = batch * plane;
    const y = this.ws.tensor('y', x.shape);
    const xhat = this.ws.tensor('xhat', x.shape);
    const gamma = (this.params[0] as Param).value;
    const beta = (this.params[1] as Param).value;
    for (let c = 0; c < C; c++) {
      let mean: number;
      let variance: number;
      if (ctx.training) {
        let sum = 0;
        for (let n = 0; n < batch; n++)
          for (let i = (n * C + c) * plane, e = i + plane; i < e; i++) sum += x.data[i] as number;
        mean = sum / m;
        let sq = 0;
        for (let n = 0; n < batch; n++)
          for (let i = (n * C + c) * plane, e = i + plane; i < e; i++) {
            const d = (x.data[i] as number) - mean;
            sq += d * d;
          }
        variance = sq / m;
        const mo = this.momentum;
        this.runningMean[c] = (1 - mo) * (this.runningMean[c] as number) + mo * mean;
        this.runningVar[c] = (1 - mo) * (this.runningVar[c] as number) + (mo * sq) / Math.max(m - 1, 1);
      } else {
        mean = this.runningMean[c] as number;
        variance = this.runningVar[c] as number;
      }
      const inv = 1 / Math.sqrt(variance + this.eps);
      this.invStd[c] = inv;
      const g = gamma[c] as number;
      const b = beta[c] as number;
      for (let n = 0; n < batch; n++)
        for (let i = (n * C + c) * plane, e = i + plane; i < e; i++) {
          const h = ((x.data[i] as number) - mean) * inv;
          xhat.data[i] = h;
          y.data[i] = g * h + b;
        }
    }
    this.xhat = xhat;
    this.training = ctx.training;
    return y;
  }

  backward(dy: Tensor, needInputGrad: boolean): Tensor | undefined {
    const xhat = this.xhat as Tensor;
    const batch = dy.shape[0] as number;
    const { C, plane } = this;
    const m = batch * plane;
    const [gammaP, betaP] = this.params as [Param, Param];
    const dx = needInputGrad ? this.ws.tensor('dx', dy.shape) : undefined;
    for (let c = 0; c < C; c++) {
      let sumDy = 0;
      let sumDyXhat = 0;
      for (let n = 0; n < batch; n++)
        for (let i = (n * C + c) * plane, e = i + plane; i < e; i++) {
          sumDy += dy.data[i] as number;
          sumDyXhat += (dy.data[i] as number) * (xhat.data[i] as number);
        }
      gammaP.grad[c] = sumDyXhat;
      betaP.grad[c] = sumDy;
      if (!dx) continue;
      const k = ((gammaP.value[c] as number) * (this.invStd[c] as number)) / m;
      for (let n = 0; n < batch; n++)
        for (let i = (n * C + c) * plane, e = i + plane; i < e; i++) {
          // Inference: the statistics are constants, so dx = γ·dy/σ.
          dx.data[i] = this.training
            ? k * (m * (dy.data[i] as number) - sumDy - (xhat.data[i] as number) * sumDyXhat)
            : k * m * (dy.data[i] as number);
        }
    }
    return dx;
  }

  config(): Record<string, unknown> {
    return { type: 'batchnorm', name: this.name, ...this.cfg };
  }
}

export class LayerNorm implements EngineLayer {
  readonly kind = 'layernorm';
  readonly outputShape: number[];
  readonly params: Param[];
  private readonly D: number;
  private readonly eps: number;
  private readonly ws: Workspace;
  private xhat?: Tensor;
  private invStd?: Vec;

  constructor(
    readonly name: string,
    private readonly cfg: NormSpec,
    setup: LayerSetup,
  ) {
    this.outputShape = [...setup.inputShape];
    this.D = setup.inputShape[setup.inputShape.length - 1] as number;
    this.eps = cfg.eps ?? 1e-5;
    this.params = scaleAndShift(name, setup, this.D);
    this.ws = new Workspace(setup.dtype, setup.kernels);
  }

  init(): void {
    (this.params[0] as Param).value.fill(1);
    (this.params[1] as Param).value.fill(0);
  }

  forward(x: Tensor): Tensor {
    const D = this.D;
    const rows = x.data.length / D;
    const y = this.ws.tensor('y', x.shape);
    const xhat = this.ws.tensor('xhat', x.shape);
    const invStd = this.ws.vec('invStd', rows);
    const gamma = (this.params[0] as Param).value;
    const beta = (this.params[1] as Param).value;
    for (let r = 0; r < rows; r++) {
      const o = r * D;
      let sum = 0;
      for (let j = 0; j < D; j++) sum += x.data[o + j] as number;
      const mean = sum / D;
      let sq = 0;
      for (let j = 0; j < D; j++) sq += ((x.data[o + j] as number) - mean) ** 2;
      const inv = 1 / Math.sqrt(sq / D + this.eps);
      invStd[r] = inv;
      for (let j = 0; j < D; j++) {
        const h = ((x.data[o + j] as number) - mean) * inv;
        xhat.data[o + j] = h;
        y.data[o + j] = (gamma[j] as number) * h + (beta[j] as number);
      }
    }
    this.xhat = xhat;
    this.invStd = invStd;
    return y;
  }

  backward(dy: Tensor, needInputGrad: boolean): Tensor | undefined {
    const D = this.D;
    const xhat = (this.xhat as Tensor).data;
    const invStd = this.invStd as Vec;
    const rows = dy.data.length / D;
    const [gammaP, betaP] = this.params as [Param, Param];
    gammaP.grad.fill(0);
    betaP.grad.fill(0);
    const dx = needInputGrad ? this.ws.tensor('dx', dy.shape) : undefined;
    for (let r = 0; r < rows; r++) {
      const o = r * D;
      let sumG = 0;
      let sumGXhat = 0;
      for (let j = 0; j < D; j++) {
        const d = dy.data[o + j] as number;
        gammaP.grad[j] = (gammaP.grad[j] as number) + d * (xhat[o + j] as number);
        betaP.grad[j] = (betaP.grad[j] as number) + d;
        const g = d * (gammaP.value[j] as number);
        sumG += g;
        sumGXhat += g * (xhat[o + j] as number);
      }
      if (!dx) continue;
      const k = (invStd[r] as number) / D;
      for (let j = 0; j < D; j++) {
        const g = (dy.data[o + j] as number) * (gammaP.value[j] as number);
        dx.data[o + j] = k * (D * g - sumG - (xhat[o + j] as number) * sumGXhat);
      }
    }
    return dx;
  }

  config(): Record<string, unknown> {
    return { type: 'layernorm', name: this.name, ...this.cfg };
  }
}
