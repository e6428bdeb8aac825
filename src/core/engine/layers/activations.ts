// Element-wise activations and softmax (over the last axis). GELU is the exact erf form, PyTorch's
// default (`approximate='none'`); SELU's constants are Klambauer et al. (2017), as in PyTorch.
import { SELU_ALPHA, SELU_LAMBDA, type ActivationName, type ActivationSpec } from '../../model/network-spec';
import type { Kernels } from '../kernels/kernels';
import type { EngineLayer, LayerSetup } from './layer';
import { EngineError } from '../engine-error';
import { Workspace, type Tensor } from '../tensor';

export const ACTIVATION_NAMES: readonly ActivationName[] = [
  'relu',
  'leaky-relu',
  'elu',
  'selu',
  'gelu',
  'tanh',
  'sigmoid',
  'softmax',
];

const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** erf to ~1e-14: Maclaurin series below 2.5, the continued fraction of erfc above. */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 80; n++) {
      term *= -x2 / n;
      const c = term / (2 * n + 1);
      sum += c;
      if (Math.abs(c) < 1e-17 * Math.abs(sum)) break;
    }
    return 2 * INV_SQRT_PI * sum;
  }
  let f = ax;
  for (let n = 60; n >= 1; n--) f = ax + n / 2 / f;
  const erfc = (Math.exp(-ax * ax) * INV_SQRT_PI) / f;
  return x > 0 ? 1 - erfc : erfc - 1;
}

export class Activation implements EngineLayer {
  readonly kind = 'activation';
  readonly params = [];
  readonly outputShape: number[];
  private readonly ws: Workspace;
  private readonly kernels: Kernels;
  private readonly alpha: number;
  private x?: Tensor;
  private y?: Tensor;

  constructor(
    readonly name: string,
    private readonly cfg: ActivationSpec,
    setup: LayerSetup,
  ) {
    if (!ACTIVATION_NAMES.includes(cfg.activation))
      throw new EngineError(`${name}: activation "${cfg.activation}" is not supported`);
    this.outputShape = [...setup.inputShape];
    this.ws = new Workspace(setup.dtype, setup.kernels);
    this.kernels = setup.kernels;
    this.alpha = cfg.alpha ?? (cfg.activation === 'leaky-relu' ? 0.01 : 1);
  }

  init(): void {}

  forward(x: Tensor): Tensor {
    const y = this.ws.tensor('y', x.shape);
    const a = x.data;
    const o = y.data;
    const n = a.length;
    const alpha = this.alpha;
    switch (this.cfg.activation) {
      case 'relu':
        this.kernels.relu(o, a, n);
        break;
      case 'leaky-relu':
        for (let i = 0; i < n; i++) o[i] = (a[i] as number) > 0 ? (a[i] as number) : alpha * (a[i] as number);
        break;
      case 'elu':
        for (let i = 0; i < n; i++)
          o[i] = (a[i] as number) > 0 ? (a[i] as number) : alpha * Math.expm1(a[i] as number);
        break;
      case 'selu':
        for (let i = 0; i < n; i++) {
          const v = a[i] as number;
          o[i] = SELU_LAMBDA * (v > 0 ? v : SELU_ALPHA * Math.expm1(v));
        }
        break;
      case 'gelu':
        for (let i = 0; i < n; i++) {
          const v = a[i] as number;
          o[i] = 0.5 * v * (1 + erf(v * Math.SQRT1_2));
        }
        break;
      case 'tanh':
        for (let i = 0; i < n; i++) o[i] = Math.tanh(a[i] as number);
        break;
      case 'sigmoid':
        for (let i = 0; i < n; i++) o[i] = 1 / (1 + Math.exp(-(a[i] as number)));
        break;
      case 'softmax':
        softmaxRows(o, a, x.shape[x.shape.length - 1] as number);
        break;
    }
    this.x = x;
    this.y = y;
    return y;
  }

  backward(dy: Tensor, needInputGrad: boolean): Tensor | undefined {
    if (!needInputGrad) return undefined;
    const x = (this.x as Tensor).data;
    const y = (this.y as Tensor).data;
    const dx = this.ws.tensor('dx', dy.shape);
    const g = dy.data;
    const o = dx.data;
    const n = g.length;
    const alpha = this.alpha;
    switch (this.cfg.activation) {
      case 'relu':
        this.kernels.reluGrad(o, g, x, n);
        break;
      case 'leaky-relu':
        for (let i = 0; i < n; i++) o[i] = (x[i] as number) > 0 ? (g[i] as number) : alpha * (g[i] as number);
        break;
      case 'elu':
        // d/dx α(eˣ − 1) = y + α.
        for (let i = 0; i < n; i++)
          o[i] = (g[i] as number) * ((x[i] as number) > 0 ? 1 : (y[i] as number) + alpha);
        break;
      case 'selu':
        for (let i = 0; i < n; i++) {
          const v = x[i] as number;
          o[i] = (g[i] as number) * SELU_LAMBDA * (v > 0 ? 1 : SELU_ALPHA * Math.exp(v));
        }
        break;
      case 'gelu':
        // d/dx x·Φ(x) = Φ(x) + x·φ(x).
        for (let i = 0; i < n; i++) {
          const v = x[i] as number;
          const cdf = 0.5 * (1 + erf(v * Math.SQRT1_2));
          o[i] = (g[i] as number) * (cdf + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v));
        }
        break;
      case 'tanh':
        for (let i = 0; i < n; i++) o[i] = (g[i] as number) * (1 - (y[i] as number) * (y[i] as number));
        break;
      case 'sigmoid':
        for (let i = 0; i < n; i++) o[i] = (g[i] as number) * (y[i] as number) * (1 - (y[i] as number));
        break;
      case 'softmax': {
        // dx = y ⊙ (dy − Σⱼ dyⱼ yⱼ) per row.
        const c = dy.shape[dy.shape.length - 1] as number;
        for (let r = 0; r < n; r += c) {
          let dot = 0;
          for (let j = 0; j < c; j++) dot += (g[r + j] as number) * (y[r + j] as number);
          for (let j = 0; j < c; j++) o[r + j] = (y[r + j] as number) * ((g[r + j] as number) - dot);
        }
        break;
      }
    }
    return dx;
  }

  config(): Record<string, unknown> {
    return { type: 'activation', name: this.name, ...this.cfg };
  }
}

/** Numerically stable softmax over rows of length `c`. */
export function softmaxRows(
  out: Float32Array | Float64Array,
  logits: Float32Array | Float64Array,
  c: number,
): void {
  for (let r = 0; r < logits.length; r += c) {
    let max = -Infinity;
    for (let j = 0; j < c; j++) max = Math.max(max, logits[r + j] as number);
    let sum = 0;
    for (let j = 0; j < c; j++) {
      const e = Math.exp((logits[r + j] as number) - max);
      out[r + j] = e;
      sum += e;
    }
    for (let j = 0; j < c; j++) out[r + j] = (out[r + j] as number) / sum;
  }
}
