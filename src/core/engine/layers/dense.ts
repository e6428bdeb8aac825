// Fully connected layer, y = x·Wᵀ + b with PyTorch's weight layout [out, in]. Optional DropConnect
// (Wan et al. 2013): in training the weights themselves are masked, W' = M ⊙ W / (1 − p), one mask per
// batch; at inference W is used as is (the inverted scaling keeps E[W'] = W).
import type { DenseSpec } from '../../model/network-spec';
import { initWeights } from './init';
import type { EngineLayer, ForwardContext, LayerSetup, Param } from './layer';
import type { Kernels } from '../kernels/kernels';
import type { Rng } from '../../random/rng';
import { Workspace, type Tensor, type Vec } from '../tensor';

export class Dense implements EngineLayer {
  readonly kind = 'dense';
  readonly outputShape: number[];
  readonly params: Param[];
  private readonly inFeatures: number;
  private readonly ws: Workspace;
  private readonly kernels: Kernels;
  private readonly weight: Param;
  private readonly bias?: Param;
  /** DropConnect: the mask (0/1) and masked, rescaled weights of the current batch. */
  private readonly mask?: Vec;
  private readonly masked?: Vec;
  private maskActive = false;
  private x?: Tensor;

  constructor(
    readonly name: string,
    private readonly cfg: DenseSpec,
    setup: LayerSetup,
  ) {
    this.inFeatures = setup.inputShape.reduce((a, b) => a * b, 1);
    this.outputShape = [cfg.units];
    this.kernels = setup.kernels;
    this.ws = new Workspace(setup.dtype, setup.kernels);
    const n = cfg.units * this.inFeatures;
    this.weight = {
      name: `${name}.weight`,
      value: setup.kernels.alloc(setup.dtype, n),
      grad: setup.kernels.alloc(setup.dtype, n),
      shape: [cfg.units, this.inFeatures],
      decay: true,
      units: cfg.units,
    };
    this.params = [this.weight];
    if (cfg.bias !== false) {
      this.bias = {
        name: `${name}.bias`,
        value: setup.kernels.alloc(setup.dtype, cfg.units),
        grad: setup.kernels.alloc(setup.dtype, cfg.units),
        shape: [cfg.units],
        decay: false,
      };
      this.params.push(this.bias);
    }
    if ((cfg.dropConnect ?? 0) > 0) {
      this.mask = setup.kernels.alloc(setup.dtype, n);
      this.masked = setup.kernels.alloc(setup.dtype, n);
    }
  }

  init(rng: Rng): void {
    initWeights(this.weight.value, this.cfg.init ?? 'glorot-uniform', this.inFeatures, this.cfg.units, rng);
    this.bias?.value.fill(0);
  }

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    const batch = x.shape[0] as number;
    const y = this.ws.tensor('y', [batch, this.cfg.units]);
    this.maskActive = ctx.training && this.mask !== undefined;
    // MC passes draw one weight mask per pass (one pass per batch): the pass's place in the stream.
    if (this.maskActive && ctx.blocks) ctx.rng.seek(ctx.blocks.first * this.weight.value.length);
    const w = this.maskActive ? this.drawMaskedWeights(ctx.rng) : this.weight.value;
    this.kernels.matmulNT(y.data, x.data, w, batch, this.cfg.units, this.inFeatures);
    if (this.bias) this.kernels.addBias(y.data, this.bias.value, batch, this.cfg.units);
    this.x = x;
    return y;
  }

  backward(dy: Tensor, needInputGrad: boolean): Tensor | undefined {
    const x = this.x as Tensor;
    const batch = dy.shape[0] as number;
    const units = this.cfg.units;
    this.kernels.matmulTN(this.weight.grad, dy.data, x.data, units, this.inFeatures, batch);
    if (this.maskActive) {
      // dL/dW = dL/dW' ⊙ M / (1 − p).
      const g = this.weight.grad;
      const mask = this.mask as Vec;
      const scale = 1 / (1 - (this.cfg.dropConnect as number));
      for (let i = 0; i < g.length; i++) g[i] = (g[i] as number) * (mask[i] as number) * scale;
    }
    if (this.bias) this.kernels.sumRows(this.bias.grad, dy.data, batch, units);
    if (!needInputGrad) return undefined;
    const dx = this.ws.tensor('dx', x.shape);
    const w = this.maskActive ? (this.masked as Vec) : this.weight.value;
    this.kernels.matmulNN(dx.data, dy.data, w, batch, this.inFeatures, units);
    return dx;
  }

  private drawMaskedWeights(rng: Rng): Vec {
    const p = this.cfg.dropConnect as number;
    const scale = 1 / (1 - p);
    const w = this.weight.value;
    const mask = this.mask as Vec;
    const masked = this.masked as Vec;
    for (let i = 0; i < w.length; i++) {
      const keep = rng.next() >= p ? 1 : 0;
      mask[i] = keep;
      masked[i] = keep * (w[i] as number) * scale;
    }
    return masked;
  }

  config(): Record<string, unknown> {
    return { type: 'dense', name: this.name, ...this.cfg };
  }
}
