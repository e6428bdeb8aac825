// A sequential network of engine layers, built from plain-JSON layer specs (model/network-spec.ts: what
// each layer's `config()` returns, so a network round-trips through JSON). Owns the forward/backward
// pass and the weights.
import type { LayerSpec, NetworkRecord } from '../model/network-spec';
import { Activation } from './layers/activations';
import { Conv2d } from './layers/conv';
import { Dense } from './layers/dense';
import { Dropout } from './layers/dropout';
import { EngineError } from './engine-error';
import type { EngineLayer, ForwardContext, LayerSetup, Param } from './layers/layer';
import type { Kernels } from './kernels/kernels';
import { kernelsFor } from './kernels/select';
import { BatchNorm, LayerNorm } from './layers/norm';
import { Pool2d } from './layers/pool';
import { Reshape } from './layers/reshape';
import type { Rng } from '../random/rng';
import type { DType, Tensor, Vec } from './tensor';

export function createLayer(spec: LayerSpec, setup: LayerSetup): EngineLayer {
  switch (spec.type) {
    case 'dense':
      return new Dense(spec.name, spec, setup);
    case 'conv2d':
      return new Conv2d(spec.name, spec, setup);
    case 'pool':
      return new Pool2d(spec.name, spec, setup);
    case 'flatten':
      return new Reshape(spec.name, undefined, setup);
    case 'reshape':
      return new Reshape(spec.name, spec.shape, setup);
    case 'batchnorm':
      return new BatchNorm(spec.name, spec, setup);
    case 'layernorm':
      return new LayerNorm(spec.name, spec, setup);
    case 'activation':
      return new Activation(spec.name, spec, setup);
    case 'dropout':
      return new Dropout(spec.name, spec, setup);
  }
}

export interface NetworkOptions {
  dtype?: DType;
  /** Default: the WebAssembly kernels where available (see kernels/select.ts). */
  kernels?: Kernels;
}

export class Network {
  readonly layers: EngineLayer[];
  readonly params: Param[];
  readonly dtype: DType;
  /** The kernels every layer uses; buffers that feed them come from `kernels.alloc`. */
  readonly kernels: Kernels;
  readonly outputShape: number[];
  /** Index of the first layer with parameters: layers before it need no input gradient. */
  private readonly firstTrainable: number;

  constructor(
    readonly inputShape: number[],
    specs: LayerSpec[],
    options: NetworkOptions = {},
  ) {
    this.dtype = options.dtype ?? 'float32';
    const kernels = options.kernels ?? kernelsFor();
    this.kernels = kernels;
    let shape = [...inputShape];
    this.layers = specs.map((spec) => {
      const layer = createLayer(spec, { dtype: this.dtype, kernels, inputShape: shape });
      shape = layer.outputShape;
      return layer;
    });
    this.outputShape = shape;
    this.params = this.layers.flatMap((l) => l.params);
    this.firstTrainable = this.layers.findIndex((l) => l.params.length > 0);
  }

  init(rng: Rng): void {
    for (const layer of this.layers) layer.init(rng);
  }

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    let t = x;
    for (const layer of this.layers) t = layer.forward(t, ctx);
    return t;
  }

  /** Backpropagates dL/d(output) of the last forward, leaving each parameter's gradient in `grad`. */
  backward(dOut: Tensor): void {
    let g: Tensor | undefined = dOut;
    for (let i = this.layers.length - 1; i >= 0 && g; i--) {
      const needInput = this.firstTrainable >= 0 && this.firstTrainable < i;
      g = (this.layers[i] as EngineLayer).backward(g, needInput);
    }
  }

  dropoutLayers(): Dropout[] {
    return this.layers.filter((l): l is Dropout => l instanceof Dropout);
  }

  specs(): LayerSpec[] {
    return this.layers.map((l) => l.config() as LayerSpec);
  }

  /** The trained network as plain data, for the exporters and for messages. */
  record(): NetworkRecord {
    return {
      inputShape: [...this.inputShape],
      layers: this.specs().map((spec, i) => ({
        ...spec,
        outputShape: [...(this.layers[i] as EngineLayer).outputShape],
      })),
      tensors: this.tensors().map((t) => ({
        name: t.name,
        shape: t.shape,
        values: Float32Array.from(t.value),
      })),
    };
  }

  /** Parameters and buffers by name, as plain numbers (for messages and files). */
  exportWeights(): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const { name, value } of this.state()) out[name] = Array.from(value);
    return out;
  }

  /** Parameters with their shapes and buffers (flat), in layer order: what a weights file stores. */
  tensors(): { name: string; shape: number[]; value: Vec }[] {
    return this.layers.flatMap((l) => [
      ...l.params.map((p) => ({ name: p.name, shape: p.shape, value: p.value })),
      ...(l.buffers ?? []).map((b) => ({ name: b.name, shape: [b.value.length], value: b.value })),
    ]);
  }

  importWeights(weights: Record<string, ArrayLike<number>>): void {
    for (const { name, value } of this.state()) {
      const w = weights[name];
      if (!w) throw new EngineError(`weights: "${name}" is missing`);
      if (w.length !== value.length)
        throw new EngineError(`weights: "${name}" has ${w.length} values, the layer needs ${value.length}`);
      value.set(w);
    }
  }

  /** Every parameter and buffer in layer order from one flat array (a `.nn.json` weights sidecar). */
  importFlat(values: ArrayLike<number>): void {
    const state = this.state();
    const need = state.reduce((n, s) => n + s.value.length, 0);
    if (values.length !== need)
      throw new EngineError(`weights: the file holds ${values.length} values, the network needs ${need}`);
    let at = 0;
    for (const { value } of state) for (let i = 0; i < value.length; i++) value[i] = values[at++] as number;
  }

  private state(): { name: string; value: Vec }[] {
    return this.layers.flatMap((l) => [...l.params, ...(l.buffers ?? [])]);
  }
}
