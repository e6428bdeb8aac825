// Pooling over NCHW: max and average windows (no padding, like the .nn.json reader's shape inference)
// and global average pooling to [N, C].
import type { PoolSpec } from '../../model/network-spec';
import type { EngineLayer, LayerSetup } from './layer';
import { EngineError } from '../engine-error';
import { Workspace, type Tensor } from '../tensor';

export class Pool2d implements EngineLayer {
  readonly kind = 'pool';
  readonly params = [];
  readonly outputShape: number[];
  private readonly C: number;
  private readonly H: number;
  private readonly W: number;
  private readonly k: number;
  private readonly s: number;
  private readonly ws: Workspace;
  /** Max pooling: the input index each output took its value from. */
  private argmax?: Int32Array;
  private batch = 0;

  constructor(
    readonly name: string,
    private readonly cfg: PoolSpec,
    setup: LayerSetup,
  ) {
    const [C, H, W] = setup.inputShape;
    if (setup.inputShape.length !== 3 || !C || !H || !W)
      throw new EngineError(
        `${name}: pooling needs a [channels, height, width] input, got [${setup.inputShape}]`,
      );
    this.C = C;
    this.H = H;
    this.W = W;
    this.k = cfg.pool === 'global-avg' ? 0 : (cfg.poolSize ?? 2);
    this.s = cfg.stride ?? this.k;
    this.ws = new Workspace(setup.dtype, setup.kernels);
    if (cfg.pool === 'global-avg') this.outputShape = [C];
    else {
      const oh = Math.floor((H - this.k) / this.s) + 1;
      const ow = Math.floor((W - this.k) / this.s) + 1;
      if (oh < 1 || ow < 1) throw new EngineError(`${name}: pool window larger than the input`);
      this.outputShape = [C, oh, ow];
    }
  }

  init(): void {}

  forward(x: Tensor): Tensor {
    const batch = x.shape[0] as number;
    this.batch = batch;
    const { C, H, W, k, s } = this;
    const y = this.ws.tensor('y', [batch, ...this.outputShape]);
    const a = x.data;
    if (this.cfg.pool === 'global-avg') {
      const plane = H * W;
      for (let c = 0; c < batch * C; c++) {
        let sum = 0;
        for (let i = c * plane; i < (c + 1) * plane; i++) sum += a[i] as number;
        y.data[c] = sum / plane;
      }
      return y;
    }
    const [, oh, ow] = this.outputShape as [number, number, number];
    const isMax = this.cfg.pool === 'max';
    if (isMax && this.argmax?.length !== y.data.length) this.argmax = new Int32Array(y.data.length);
    let o = 0;
    for (let c = 0; c < batch * C; c++) {
      const plane = c * H * W;
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++, o++) {
          let best = -Infinity;
          let at = -1;
          let sum = 0;
          for (let ky = 0; ky < k; ky++)
            for (let kx = 0; kx < k; kx++) {
              const i = plane + (oy * s + ky) * W + ox * s + kx;
              const v = a[i] as number;
              sum += v;
              if (v > best) {
                best = v;
                at = i;
              }
            }
          if (isMax) {
            y.data[o] = best;
            (this.argmax as Int32Array)[o] = at;
          } else y.data[o] = sum / (k * k);
        }
    }
    return y;
  }

  backward(dy: Tensor, needInputGrad: boolean): Tensor | undefined {
    if (!needInputGrad) return undefined;
    const { C, H, W, k, s, batch } = this;
    const dx = this.ws.tensor('dx', [batch, C, H, W]);
    const g = dy.data;
    if (this.cfg.pool === 'global-avg') {
      const plane = H * W;
      for (let c = 0; c < batch * C; c++)
        for (let i = c * plane; i < (c + 1) * plane; i++) dx.data[i] = (g[c] as number) / plane;
      return dx;
    }
    dx.data.fill(0);
    if (this.cfg.pool === 'max') {
      const argmax = this.argmax as Int32Array;
      for (let o = 0; o < g.length; o++)
        dx.data[argmax[o] as number] = (dx.data[argmax[o] as number] as number) + (g[o] as number);
      return dx;
    }
    const [, oh, ow] = this.outputShape as [number, number, number];
    let o = 0;
    for (let c = 0; c < batch * C; c++) {
      const plane = c * H * W;
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++, o++) {
          const v = (g[o] as number) / (k * k);
          for (let ky = 0; ky < k; ky++)
            for (let kx = 0; kx < k; kx++) {
              const i = plane + (oy * s + ky) * W + ox * s + kx;
              dx.data[i] = (dx.data[i] as number) + v;
            }
        }
    }
    return dx;
  }

  config(): Record<string, unknown> {
    return { type: 'pool', name: this.name, ...this.cfg };
  }
}
