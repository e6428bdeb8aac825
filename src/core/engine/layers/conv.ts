// 2-D convolution over NCHW batches by im2col: the patch matrix times the weights [filters, C·k·k]
// (PyTorch's layout) reuses the three matmul kernels for forward, weight and input gradients.
import type { Conv2dSpec } from '../../model/network-spec';
import { initWeights } from './init';
import type { EngineLayer, LayerSetup, Param } from './layer';
import { EngineError } from '../engine-error';
import type { ConvGeometry, Kernels } from '../kernels/kernels';
import type { Rng } from '../../random/rng';
import { Workspace, type Tensor } from '../tensor';

export class Conv2d implements EngineLayer {
  readonly kind = 'conv2d';
  readonly outputShape: number[];
  readonly params: Param[];
  private readonly geometry: Omit<ConvGeometry, 'batch'>;
  private readonly ws: Workspace;
  private readonly kernels: Kernels;
  private readonly weight: Param;
  private readonly bias?: Param;
  private g?: ConvGeometry;
  private cols?: Tensor;

  constructor(
    readonly name: string,
    private readonly cfg: Conv2dSpec,
    setup: LayerSetup,
  ) {
    const [channels, height, width] = setup.inputShape;
    if (setup.inputShape.length !== 3 || !channels || !height || !width)
      throw new EngineError(
        `${name}: conv2d needs a [channels, height, width] input, got [${setup.inputShape}]`,
      );
    const k = cfg.kernelSize;
    const stride = cfg.stride ?? 1;
    const padding =
      cfg.padding === 'same' ? Math.floor(k / 2) : cfg.padding === 'valid' ? 0 : (cfg.padding ?? 0);
    const outHeight = Math.floor((height + 2 * padding - k) / stride) + 1;
    const outWidth = Math.floor((width + 2 * padding - k) / stride) + 1;
    if (outHeight < 1 || outWidth < 1) throw new EngineError(`${name}: kernel larger than the padded input`);
    this.geometry = { channels, height, width, kernel: k, stride, padding, outHeight, outWidth };
    this.outputShape = [cfg.filters, outHeight, outWidth];
    this.kernels = setup.kernels;
    this.ws = new Workspace(setup.dtype, setup.kernels);
    const n = cfg.filters * channels * k * k;
    this.weight = {
      name: `${name}.weight`,
      value: setup.kernels.alloc(setup.dtype, n),
      grad: setup.kernels.alloc(setup.dtype, n),
      shape: [cfg.filters, channels, k, k],
      decay: true,
      units: cfg.filters,
    };
    this.params = [this.weight];
    if (cfg.bias !== false) {
      this.bias = {
        name: `${name}.bias`,
        value: setup.kernels.alloc(setup.dtype, cfg.filters),
        grad: setup.kernels.alloc(setup.dtype, cfg.filters),
        shape: [cfg.filters],
        decay: false,
      };
      this.params.push(this.bias);
    }
  }

  init(rng: Rng): void {
    const { channels, kernel } = this.geometry;
    const fanIn = channels * kernel * kernel;
    initWeights(
      this.weight.value,
      this.cfg.init ?? 'glorot-uniform',
      fanIn,
      this.cfg.filters * kernel * kernel,
      rng,
    );
    this.bias?.value.fill(0);
  }

  forward(x: Tensor): Tensor {
    const batch = x.shape[0] as number;
    const g: ConvGeometry = this.g?.batch === batch ? this.g : { ...this.geometry, batch };
    this.g = g;
    const rows = batch * g.outHeight * g.outWidth;
    const patch = g.channels * g.kernel * g.kernel;
    const F = this.cfg.filters;
    const cols = this.ws.tensor('cols', [rows, patch]);
    this.kernels.im2col(cols.data, x.data, g);
    const yc = this.ws.tensor('yc', [rows, F]);
    this.kernels.matmulNT(yc.data, cols.data, this.weight.value, rows, F, patch);
    // [N·oh·ow, F] → [N, F, oh, ow], adding the bias.
    const y = this.ws.tensor('y', [batch, F, g.outHeight, g.outWidth]);
    const plane = g.outHeight * g.outWidth;
    const b = this.bias?.value;
    for (let n = 0; n < batch; n++)
      for (let s = 0; s < plane; s++)
        for (let f = 0; f < F; f++)
          y.data[(n * F + f) * plane + s] =
            (yc.data[(n * plane + s) * F + f] as number) + (b ? (b[f] as number) : 0);
    this.cols = cols;
    return y;
  }

  backward(dy: Tensor, needInputGrad: boolean): Tensor | undefined {
    const g = this.g as ConvGeometry;
    const batch = g.batch;
    const F = this.cfg.filters;
    const plane = g.outHeight * g.outWidth;
    const rows = batch * plane;
    const patch = g.channels * g.kernel * g.kernel;
    const dyc = this.ws.tensor('dyc', [rows, F]);
    const gb = this.bias?.grad;
    gb?.fill(0);
    for (let n = 0; n < batch; n++)
      for (let f = 0; f < F; f++)
        for (let s = 0; s < plane; s++) {
          const v = dy.data[(n * F + f) * plane + s] as number;
          dyc.data[(n * plane + s) * F + f] = v;
          if (gb) gb[f] = (gb[f] as number) + v;
        }
    this.kernels.matmulTN(this.weight.grad, dyc.data, (this.cols as Tensor).data, F, patch, rows);
    if (!needInputGrad) return undefined;
    const dcols = this.ws.tensor('dcols', [rows, patch]);
    this.kernels.matmulNN(dcols.data, dyc.data, this.weight.value, rows, patch, F);
    const dx = this.ws.tensor('dx', [batch, g.channels, g.height, g.width]);
    this.kernels.col2im(dx.data, dcols.data, g);
    return dx;
  }

  config(): Record<string, unknown> {
    return { type: 'conv2d', name: this.name, ...this.cfg };
  }
}
