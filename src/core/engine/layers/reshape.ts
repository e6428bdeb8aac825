// Flatten and reshape: the same storage seen with another feature shape (no copy).
import type { EngineLayer, LayerSetup } from './layer';
import { EngineError } from '../engine-error';
import { sizeOf, type Tensor } from '../tensor';

export class Reshape implements EngineLayer {
  readonly kind = 'reshape';
  readonly params = [];
  readonly outputShape: number[];
  private readonly inputShape: number[];
  private readonly views = new Map<number, { y: Tensor; dx: Tensor }>();

  /** `shape` undefined means flatten. */
  constructor(
    readonly name: string,
    private readonly shape: number[] | undefined,
    setup: LayerSetup,
  ) {
    this.inputShape = [...setup.inputShape];
    this.outputShape = shape ? [...shape] : [sizeOf(setup.inputShape)];
    if (sizeOf(this.outputShape) !== sizeOf(this.inputShape))
      throw new EngineError(`${name}: cannot reshape [${this.inputShape}] to [${this.outputShape}]`);
  }

  init(): void {}

  forward(x: Tensor): Tensor {
    const v = this.view(x.shape[0] as number);
    v.y.data = x.data;
    return v.y;
  }

  backward(dy: Tensor, needInputGrad: boolean): Tensor | undefined {
    if (!needInputGrad) return undefined;
    const v = this.view(dy.shape[0] as number);
    v.dx.data = dy.data;
    return v.dx;
  }

  private view(batch: number): { y: Tensor; dx: Tensor } {
    let v = this.views.get(batch);
    if (!v) {
      const empty = new Float32Array(0);
      v = {
        y: { data: empty, shape: [batch, ...this.outputShape] },
        dx: { data: empty, shape: [batch, ...this.inputShape] },
      };
      this.views.set(batch, v);
    }
    return v;
  }

  config(): Record<string, unknown> {
    return this.shape
      ? { type: 'reshape', name: this.name, shape: this.shape }
      : { type: 'flatten', name: this.name };
  }
}
