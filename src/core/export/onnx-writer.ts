// Writes a trained network (a plain NetworkRecord) as an ONNX model (opset 13, IR version 8) with onnx-proto: Gemm for
// dense layers, Conv, MaxPool/AveragePool/GlobalAveragePool, BatchNormalization, the activations, and
// Dropout nodes that keep the rate (identity at inference, as in the ONNX spec; an inference-scale
// dropout also gets its Mul by 1 − rate). Optional feature standardisation becomes Sub/Div in front, and a
// softmax the loss absorbed during training is put back at the end.
import { onnx } from 'onnx-proto';
import { SELU_ALPHA, SELU_LAMBDA, type LayerSpec, type NetworkRecord } from '../model/network-spec';
import { randomAtInference } from '../model/ir';
import { MC_MARKER_KEY } from '../model/mc-marker';

export const ONNX_OPSET = 13;

export interface OnnxExportOptions {
  name: string;
  /** Append a Softmax (the network outputs logits because the loss applied it). */
  softmax: boolean;
  standardization?: { mean: number[]; std: number[] };
  producerVersion?: string;
}

export class OnnxExportError extends Error {}

const A = onnx.AttributeProto.AttributeType;

function floatTensor(name: string, dims: number[], values: ArrayLike<number>): onnx.ITensorProto {
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(4 * i, values[i] as number, true);
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw };
}

const ints = (name: string, v: number[]): onnx.IAttributeProto => ({ name, type: A.INTS, ints: v });
const int = (name: string, v: number): onnx.IAttributeProto => ({ name, type: A.INT, i: v });
const float = (name: string, v: number): onnx.IAttributeProto => ({ name, type: A.FLOAT, f: v });

/** Builds the node list layer by layer, tracking the current tensor name and its feature shape. */
class GraphBuilder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  current = 'input';
  private count = 0;

  constructor(private readonly weights: Map<string, { shape: number[]; values: ArrayLike<number> }>) {}

  add(op: string, name: string, extraInputs: string[], attribute: onnx.IAttributeProto[] = []): void {
    const output = `${name}:${op}:${this.count++}`;
    this.nodes.push({
      opType: op,
      name: output,
      input: [this.current, ...extraInputs],
      output: [output],
      attribute,
    });
    this.current = output;
  }

  constant(name: string, dims: number[], values: ArrayLike<number>): string {
    this.initializers.push(floatTensor(name, dims, values));
    return name;
  }

  param(name: string): string {
    const w = this.weights.get(name);
    if (!w) throw new OnnxExportError(`weights: "${name}" is missing`);
    return this.constant(name, w.shape, w.values);
  }
}

const ACTIVATIONS: Record<string, (spec: { alpha?: number }) => [string, onnx.IAttributeProto[]]> = {
  relu: () => ['Relu', []],
  tanh: () => ['Tanh', []],
  sigmoid: () => ['Sigmoid', []],
  softmax: () => ['Softmax', [int('axis', -1)]],
  'leaky-relu': (s) => ['LeakyRelu', [float('alpha', s.alpha ?? 0.01)]],
  elu: (s) => ['Elu', [float('alpha', s.alpha ?? 1)]],
  selu: () => ['Selu', [float('alpha', SELU_ALPHA), float('gamma', SELU_LAMBDA)]],
};

function addLayer(g: GraphBuilder, spec: LayerSpec, inputShape: number[], outputShape: number[]): void {
  const n = spec.name;
  switch (spec.type) {
    case 'dense':
      // The engine's dense layer flattens whatever it gets; Gemm needs [N, features].
      if (inputShape.length > 1) g.add('Flatten', n, [], [int('axis', 1)]);
      g.add(
        'Gemm',
        n,
        [g.param(`${n}.weight`), ...(spec.bias !== false ? [g.param(`${n}.bias`)] : [])],
        [int('transB', 1)],
      );
      return;
    case 'conv2d': {
      const k = spec.kernelSize;
      const p =
        spec.padding === 'same' ? Math.floor(k / 2) : spec.padding === 'valid' ? 0 : (spec.padding ?? 0);
      g.add(
        'Conv',
        n,
        [g.param(`${n}.weight`), ...(spec.bias !== false ? [g.param(`${n}.bias`)] : [])],
        [
          ints('kernel_shape', [k, k]),
          ints('strides', [spec.stride ?? 1, spec.stride ?? 1]),
          ints('pads', [p, p, p, p]),
        ],
      );
      return;
    }
    case 'pool':
      if (spec.pool === 'global-avg') {
        g.add('GlobalAveragePool', n, []);
        g.add('Flatten', n, [], [int('axis', 1)]);
        return;
      }
      g.add(
        spec.pool === 'max' ? 'MaxPool' : 'AveragePool',
        n,
        [],
        [
          ints('kernel_shape', [spec.poolSize ?? 2, spec.poolSize ?? 2]),
          ints('strides', [spec.stride ?? spec.poolSize ?? 2, spec.stride ?? spec.poolSize ?? 2]),
        ],
      );
      return;
    case 'flatten':
      g.add('Flatten', n, [], [int('axis', 1)]);
      return;
    case 'reshape': {
      // 0 keeps the batch dimension (ONNX Reshape semantics).
      const shape = `${n}.shape`;
      g.initializers.push({
        name: shape,
        dims: [outputShape.length + 1],
        dataType: onnx.TensorProto.DataType.INT64,
        int64Data: [0, ...outputShape],
      });
      g.add('Reshape', n, [shape]);
      return;
    }
    case 'batchnorm':
      g.add(
        'BatchNormalization',
        n,
        ['weight', 'bias', 'running_mean', 'running_var'].map((s) => g.param(`${n}.${s}`)),
        [float('epsilon', spec.eps ?? 1e-5)],
      );
      return;
    case 'activation': {
      if (spec.activation === 'gelu') {
        // Exact GELU, x · ½ · (1 + erf(x / √2)), from opset-13 ops (Gelu itself arrived in opset 20).
        const x = g.current;
        g.add('Div', n, [g.constant(`${n}.sqrt2`, [], [Math.SQRT2])]);
        g.add('Erf', n, []);
        g.add('Add', n, [g.constant(`${n}.one`, [], [1])]);
        g.add('Mul', n, [x]);
        g.add('Mul', n, [g.constant(`${n}.half`, [], [0.5])]);
        return;
      }
      const make = ACTIVATIONS[spec.activation];
      if (!make) throw new OnnxExportError(`layer "${n}": activation ${spec.activation} has no ONNX export`);
      const [op, attrs] = make(spec);
      g.add(op, n, [], attrs);
      return;
    }
    case 'dropout': {
      if (spec.variant === 'gaussian-noise') {
        g.add('Identity', n, []);
        return;
      }
      // training_mode true keeps an MC-dropout layer random at inference (ONNX Dropout-13 is inverted).
      const always = randomAtInference(spec);
      if (always && !(spec.variant === 'standard' && spec.scaling !== 'inference-scale'))
        throw new OnnxExportError(`layer "${n}": ONNX has no always-on ${spec.variant} dropout`);
      const inputs = [g.constant(`${n}.ratio`, [], [spec.rate])];
      if (always) {
        g.initializers.push({
          name: `${n}.training_mode`,
          dims: [],
          dataType: onnx.TensorProto.DataType.BOOL,
          int32Data: [1],
        });
        inputs.push(`${n}.training_mode`);
      }
      g.add('Dropout', n, inputs);
      if (spec.variant === 'standard' && spec.scaling === 'inference-scale' && !always)
        g.add('Mul', n, [g.constant(`${n}.keep`, [], [1 - spec.rate])]);
      return;
    }
    case 'layernorm':
      throw new OnnxExportError(`layer "${n}": LayerNorm has no ONNX opset-${ONNX_OPSET} export`);
  }
}

export function writeOnnx(net: NetworkRecord, options: OnnxExportOptions): Uint8Array {
  const weights = new Map(net.tensors.map((t) => [t.name, t]));
  const g = new GraphBuilder(weights);
  const dims = (shape: number[]): onnx.TensorShapeProto.IDimension[] => [
    { dimParam: 'batch' },
    ...shape.map((d) => ({ dimValue: d })),
  ];
  const valueInfo = (name: string, shape: number[]): onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims(shape) } } },
  });
  if (options.standardization) {
    const { mean, std } = options.standardization;
    g.add('Sub', 'standardize', [g.constant('standardize.mean', net.inputShape, mean)]);
    g.add('Div', 'standardize', [g.constant('standardize.std', net.inputShape, std)]);
  }
  let shape = net.inputShape;
  for (const { outputShape, ...spec } of net.layers) {
    addLayer(g, spec as LayerSpec, shape, outputShape);
    shape = outputShape;
  }
  if (options.softmax) g.add('Softmax', 'output', [], [int('axis', -1)]);
  g.nodes.push({ opType: 'Identity', name: 'output/Identity', input: [g.current], output: ['output'] });
  // A network with MC dropout exports Dropout nodes random at inference on purpose: the file says so.
  const mc = net.layers.some((l) => l.type === 'dropout' && randomAtInference(l));
  const model: onnx.IModelProto = {
    irVersion: 8,
    producerName: 'dropout-lens',
    producerVersion: options.producerVersion ?? '',
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    ...(mc ? { metadataProps: [{ key: MC_MARKER_KEY, value: 'true' }] } : {}),
    graph: {
      name: options.name,
      node: g.nodes,
      initializer: g.initializers,
      input: [valueInfo('input', net.inputShape)],
      output: [valueInfo('output', shape)],
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}
