// Reader for ONNX model files (protobuf ModelProto, decoded by onnx-proto). Nodes become layers with
// normalised ops; graph inputs that are not initializers become 'input' layers; initializers and
// Constant nodes are tracked as constants (for weights, parameter counts, Dropout ratios and Reshape
// shapes) but their bytes are never copied: raw_data stays a view into the file buffer, and external
// data is read only through `loadOnnxTensor`.
import { onnx } from 'onnx-proto';
import type { ActivationKind, Graph, Layer, LayerOp, Shape, TensorInfo } from '../model/ir';
import { onnxDropoutSpec, type ConstantOrigin } from './onnx-dropout';
import { countParams, inferShape, ints, type Attributes, type ShapeInputs } from './onnx-shapes';
import {
  OnnxWeights,
  dtypeName,
  int64,
  shortestFloat32,
  smallTensorValues,
  tensorDims,
  type LoadedTensor,
} from './onnx-tensors';
import { ModelFormatError, type ModelReader, type ModelSource } from './reader';

const OPS: Record<string, LayerOp> = {
  Gemm: 'dense',
  MatMul: 'dense',
  Conv: 'conv',
  ConvTranspose: 'conv',
  MaxPool: 'pool',
  AveragePool: 'pool',
  LpPool: 'pool',
  GlobalAveragePool: 'pool',
  GlobalMaxPool: 'pool',
  Flatten: 'flatten',
  Reshape: 'reshape',
  Squeeze: 'reshape',
  Unsqueeze: 'reshape',
  Identity: 'identity',
  BatchNormalization: 'batchnorm',
  LayerNormalization: 'layernorm',
  Softmax: 'softmax',
  Add: 'add',
  Concat: 'concat',
  Constant: 'constant',
  Dropout: 'dropout',
  LSTM: 'rnn',
  GRU: 'rnn',
  RNN: 'rnn',
  Attention: 'attention',
};

const ACTIVATIONS: Record<string, ActivationKind> = {
  Relu: 'relu',
  LeakyRelu: 'leaky-relu',
  Elu: 'elu',
  Selu: 'selu',
  Gelu: 'gelu',
  Tanh: 'tanh',
  Sigmoid: 'sigmoid',
  HardSigmoid: 'hard-sigmoid',
  Softplus: 'softplus',
  Softsign: 'softsign',
  Mish: 'mish',
  LogSoftmax: 'log-softmax',
};

export const onnxReader: ModelReader = {
  format: 'onnx',
  match(source: ModelSource): boolean {
    return source.path.toLowerCase().endsWith('.onnx') || looksLikeModelProto(source.bytes);
  },
  open(source: ModelSource): Graph {
    return readOnnx(source);
  },
};

/**
 * A ModelProto starts with field 1 (ir_version, a small varint: bytes 08 nn) followed by the tag of
 * another ModelProto field: producer_name/version, domain, model_version, doc_string, graph, opset_import.
 */
function looksLikeModelProto(bytes: Uint8Array): boolean {
  if (bytes.length < 4 || bytes[0] !== 0x08) return false;
  const version = bytes[1] as number;
  const tag = bytes[2] as number;
  return version >= 1 && version <= 20 && [0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42].includes(tag);
}

const WEIGHTS = new WeakMap<Graph, OnnxWeights>();

/** Loads one initializer or Constant tensor of a graph this reader opened (external data read lazily). */
export function loadOnnxTensor(graph: Graph, name: string): Promise<LoadedTensor> {
  const weights = WEIGHTS.get(graph);
  if (!weights) throw new ModelFormatError('onnx', `graph "${graph.name}" was not opened by the ONNX reader`);
  return weights.load(name);
}

/** Decodes protobuf bytes; protobufjs's errors name the byte offset ("… at offset N", "index out of range: N + …"). */
export function decodeModelProto(bytes: Uint8Array, path: string): onnx.ModelProto {
  try {
    return onnx.ModelProto.decode(bytes);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const at = /offset (\d+)|range: (\d+)/.exec(message);
    const byteOffset = at ? Number(at[1] ?? at[2]) : bytes.length;
    throw new ModelFormatError(
      'onnx',
      `${path}: not a valid ONNX file (protobuf: ${message}) near byte ${byteOffset}`,
      { byteOffset },
    );
  }
}

export function readOnnx(source: ModelSource): Graph {
  const model = decodeModelProto(source.bytes, source.path);
  if (!model.graph) {
    throw new ModelFormatError('onnx', `${source.path}: not an ONNX model (no graph)`, { byteOffset: 0 });
  }
  const builder = new GraphBuilder(model, model.graph, source.path);
  const graph = builder.build();
  WEIGHTS.set(graph, new OnnxWeights(source, builder.tensors));
  return graph;
}

interface Constant {
  tensor: onnx.ITensorProto;
  from: ConstantOrigin;
}

class GraphBuilder {
  /** Initializers and Constant node values by tensor name, for weights and constant inputs. */
  readonly tensors = new Map<string, onnx.ITensorProto>();
  private readonly constants = new Map<string, Constant>();
  private readonly shapes = new Map<string, Shape>();
  private readonly producers = new Map<string, string>();
  private readonly consumed = new Set<string>();
  private readonly realInputs = new Set<string>();
  private readonly ids = new Set<string>();
  private readonly opsets = new Map<string, number>();

  constructor(
    private readonly model: onnx.ModelProto,
    private readonly g: onnx.IGraphProto,
    private readonly path: string,
  ) {}

  build(): Graph {
    const g = this.g;
    for (const o of this.model.opsetImport ?? []) this.opsets.set(o.domain || 'ai.onnx', int64(o.version));
    for (const t of g.initializer ?? []) {
      this.tensors.set(t.name ?? '', t);
      this.constants.set(t.name ?? '', { tensor: t, from: 'initializer' });
    }
    for (const v of [...(g.input ?? []), ...(g.valueInfo ?? []), ...(g.output ?? [])]) {
      const shape = valueShape(v);
      if (shape && v.name) this.shapes.set(v.name, shape);
    }
    for (const t of g.initializer ?? [])
      if (!this.shapes.has(t.name ?? '')) this.shapes.set(t.name ?? '', tensorDims(t));
    const nodes = this.ordered(g.node ?? []);
    for (const o of g.output ?? []) this.consumed.add(o.name ?? '');

    const layers: Layer[] = [];
    const inputs: TensorInfo[] = [];
    for (const v of g.input ?? []) {
      const name = v.name ?? '';
      if (this.constants.has(name)) continue;
      this.realInputs.add(name);
      const id = this.uniqueId(name || 'input');
      this.producers.set(name, id);
      const info = { name, shape: this.shapes.get(name), dtype: valueDtype(v), layerId: id };
      inputs.push(info);
      layers.push({
        id,
        name,
        op: 'input',
        originalOp: 'input',
        inputs: [],
        attributes: {},
        outputShape: info.shape,
        params: 0,
        source: {},
      });
    }
    for (const index of nodes) {
      const node = (g.node as onnx.INodeProto[])[index] as onnx.INodeProto;
      try {
        layers.push(this.layer(node, index));
      } catch (e) {
        if (e instanceof ModelFormatError) throw e;
        const where = node.name || `#${index}`;
        throw new ModelFormatError(
          'onnx',
          `${this.path}: node ${where} (${node.opType}): ${(e as Error).message}`,
          { node: where },
        );
      }
    }
    const outputs = (g.output ?? []).map((v) => {
      const name = v.name ?? '';
      return { name, shape: this.shapes.get(name), dtype: valueDtype(v), layerId: this.producers.get(name) };
    });
    return { format: 'onnx', name: g.name || this.path, inputs, outputs, layers, meta: this.meta() };
  }

  /** Node indices in a topological order: the file's own order unless a node reads a later node's output. */
  private ordered(nodes: onnx.INodeProto[]): number[] {
    const producer = new Map<string, number>();
    nodes.forEach((n, i) => n.output?.forEach((o) => o && producer.set(o, i)));
    let sorted = true;
    const deps = nodes.map((n, i) => {
      const d: number[] = [];
      for (const input of n.input ?? []) {
        if (!input) continue;
        this.consumed.add(input);
        const p = producer.get(input);
        if (p === undefined) continue;
        if (p >= i) sorted = false;
        d.push(p);
      }
      return d;
    });
    if (sorted) return nodes.map((_, i) => i);
    const order: number[] = [];
    const state = new Uint8Array(nodes.length); // 0 new, 1 on the stack, 2 done
    for (let start = 0; start < nodes.length; start++) {
      const stack: [number, number][] = [[start, 0]];
      while (stack.length > 0) {
        const top = stack[stack.length - 1] as [number, number];
        const [i, next] = top;
        if (next === 0 && state[i] === 2) {
          stack.pop();
          continue;
        }
        state[i] = 1;
        const d = deps[i] as number[];
        if (next < d.length) {
          top[1]++;
          const j = d[next] as number;
          if (state[j] === 1) {
            const where = nodes[i]?.name || `#${i}`;
            throw new ModelFormatError('onnx', `${this.path}: the graph has a cycle through node ${where}`, {
              node: where,
            });
          }
          if (state[j] === 0) stack.push([j, 0]);
        } else {
          state[i] = 2;
          order.push(i);
          stack.pop();
        }
      }
    }
    return order;
  }

  private layer(node: onnx.INodeProto, index: number): Layer {
    const opType = node.opType ?? '';
    const domain = node.domain || 'ai.onnx';
    const standard = domain === 'ai.onnx';
    const attributes: Attributes = {};
    for (const a of node.attribute ?? []) attributes[a.name ?? ''] = attributeValue(a);
    if (!standard) attributes.domain = domain;
    const names = node.input ?? [];
    const activation = standard ? ACTIVATIONS[opType] : undefined;
    const op: LayerOp = (standard && OPS[opType]) || (activation ? 'activation' : 'unknown');
    const shapeInputs: ShapeInputs = {
      count: names.length,
      shape: (i) => (names[i] ? this.shapes.get(names[i] as string) : undefined),
      values: (i) => this.constantValues(names[i] ?? ''),
      constantDims: (i) => {
        const c = this.constants.get(names[i] ?? '');
        return c && tensorDims(c.tensor);
      },
    };
    const layerName = node.name || node.output?.[0] || `${opType}_${index}`;
    const id = this.uniqueId(layerName);
    const layer: Layer = {
      id,
      name: layerName,
      op,
      originalOp: opType,
      inputs: [
        ...new Set(names.map((n) => this.producers.get(n)).filter((p): p is string => p !== undefined)),
      ],
      attributes,
      params: standard ? countParams(opType, shapeInputs) : 0,
      source: { nodeIndex: index, ...(node.name ? { nodeName: node.name } : {}) },
    };
    if (activation) layer.activation = activation;
    if (opType === 'Clip' && standard && this.isRelu6(names, attributes)) {
      layer.op = 'activation';
      layer.activation = 'relu6';
    }
    if (standard) this.describe(layer, opType, names, node);
    const outputs = node.output ?? [];
    if (opType === 'Constant' && standard) this.addConstant(outputs[0] ?? '', attributes, node);
    if (opType === 'Identity' && standard) {
      // PyTorch shares equal initializers through Identity nodes (BatchNorm's fresh running stats).
      const c = this.constants.get(names[0] ?? '');
      if (c && outputs[0]) this.constants.set(outputs[0], c);
    }
    const inferred = standard ? inferShape(opType, attributes, shapeInputs) : undefined;
    outputs.forEach((o, i) => {
      if (!o) return;
      this.producers.set(o, id);
      if (i === 0 && inferred && !this.shapes.has(o)) this.shapes.set(o, inferred);
      if (opType === 'Dropout' && i === 1 && inferred && !this.shapes.has(o)) this.shapes.set(o, inferred);
    });
    const shape = outputs[0] ? this.shapes.get(outputs[0]) : undefined;
    if (shape) layer.outputShape = shape;
    return layer;
  }

  /** Normalised attributes for the ops rules and views care about. */
  private describe(layer: Layer, opType: string, names: string[], node: onnx.INodeProto): void {
    const a = layer.attributes;
    const weightDims = (i: number) => {
      const c = this.constants.get(names[i] ?? '');
      return c && tensorDims(c.tensor);
    };
    const weightInputs = names.filter((n, i) => i > 0 && this.tensors.has(n));
    if (weightInputs.length > 0) a.initializers = weightInputs;
    if (opType === 'Gemm' || opType === 'MatMul') {
      const w = weightDims(1);
      if (w?.length === 2) a.units = opType === 'Gemm' && a.transB === 1 ? w[0] : w[1];
    } else if (opType === 'Conv' || opType === 'ConvTranspose') {
      const w = weightDims(1);
      if (w) {
        a.filters = opType === 'Conv' ? w[0] : (w[1] ?? 0) * (typeof a.group === 'number' ? a.group : 1);
        a.kernelSize = w.slice(2);
      }
    } else if (layer.op === 'pool') {
      a.poolType = opType.includes('Max') ? 'max' : opType.startsWith('Lp') ? 'lp' : 'average';
      if (opType.startsWith('Global')) a.global = true;
      if (ints(a.kernel_shape)) a.kernelSize = a.kernel_shape;
    } else if (opType === 'LSTM' || opType === 'GRU' || opType === 'RNN') {
      a.cell = opType === 'RNN' ? 'simple' : opType.toLowerCase();
      if (typeof a.hidden_size === 'number') a.units = a.hidden_size;
    } else if (opType === 'Dropout') {
      const mask = node.output?.[1];
      layer.dropout = onnxDropoutSpec({
        opsetVersion: this.opsets.get('ai.onnx') ?? 1,
        attributes: a,
        inputs: names,
        maskConsumed: mask ? this.consumed.has(mask) : false,
        constant: (name) => {
          const c = this.constants.get(name);
          return c && { values: smallTensorValues(c.tensor), from: c.from };
        },
        isGraphInput: (name) => this.realInputs.has(name),
      });
    }
  }

  /** Clip(min = 0, max = 6) is how PyTorch exports ReLU6 (attributes before op set 11, inputs after). */
  private isRelu6(names: string[], attributes: Attributes): boolean {
    const bound = (i: number, attr: unknown) =>
      typeof attr === 'number' ? attr : this.constantValues(names[i] ?? '')?.[0];
    return bound(1, attributes.min) === 0 && bound(2, attributes.max) === 6;
  }

  private constantValues(name: string): number[] | undefined {
    const c = this.constants.get(name);
    return c && smallTensorValues(c.tensor);
  }

  /** A Constant node's value: a tensor, or (op set 12+) value_float(s) / value_int(s). */
  private addConstant(output: string, attributes: Attributes, node: onnx.INodeProto): void {
    const attr = node.attribute?.find((x) => x.name?.startsWith('value'));
    if (!output || !attr) return;
    let tensor: onnx.ITensorProto | undefined;
    if (attr.name === 'value' && attr.t) tensor = attr.t;
    else if (attr.name === 'value_float')
      tensor = { dims: [], dataType: 1, floatData: [attributes.value_float as number] };
    else if (attr.name === 'value_floats')
      tensor = { dims: [attr.floats?.length ?? 0], dataType: 1, floatData: attr.floats ?? [] };
    else if (attr.name === 'value_int')
      tensor = { dims: [], dataType: 7, int64Data: [attributes.value_int as number] };
    else if (attr.name === 'value_ints')
      tensor = { dims: [attr.ints?.length ?? 0], dataType: 7, int64Data: attr.ints ?? [] };
    if (!tensor) return;
    this.tensors.set(output, tensor);
    this.constants.set(output, { tensor, from: 'constant' });
    if (!this.shapes.has(output)) this.shapes.set(output, tensorDims(tensor));
  }

  private uniqueId(preferred: string): string {
    let id = preferred;
    for (let n = 2; this.ids.has(id); n++) id = `${preferred}#${n}`;
    this.ids.add(id);
    return id;
  }

  private meta(): Record<string, unknown> {
    const m = this.model;
    return {
      producer: m.producerName || undefined,
      producerVersion: m.producerVersion || undefined,
      irVersion: int64(m.irVersion),
      opsetImports: (m.opsetImport ?? []).map((o) => ({
        domain: o.domain || 'ai.onnx',
        version: int64(o.version),
      })),
      modelVersion: int64(m.modelVersion),
      ...(m.domain ? { domain: m.domain } : {}),
      ...(m.docString ? { docString: m.docString } : {}),
      ...((m.metadataProps ?? []).length > 0
        ? { metadata: Object.fromEntries((m.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? ''])) }
        : {}),
    };
  }
}

function valueShape(v: onnx.IValueInfoProto): Shape | undefined {
  const shape = v.type?.tensorType?.shape;
  if (!shape) return undefined;
  // dim_value and dim_param are a oneof; an unset dimension is unknown.
  return (shape.dim ?? []).map((d) =>
    d.dimParam ? d.dimParam : Object.prototype.hasOwnProperty.call(d, 'dimValue') ? int64(d.dimValue) : null,
  );
}

function valueDtype(v: onnx.IValueInfoProto): string | undefined {
  const t = v.type?.tensorType;
  return t ? dtypeName(t.elemType) : undefined;
}

const utf8 = new TextDecoder();

/** An attribute as a plain value; float32 values come back as the decimal the author wrote. */
function attributeValue(a: onnx.IAttributeProto): unknown {
  const own = (key: string) => Object.prototype.hasOwnProperty.call(a, key);
  // Files from before AttributeProto.type existed leave it 0: the field that is present tells.
  const type =
    a.type ||
    (own('f')
      ? 1
      : own('i')
        ? 2
        : own('s')
          ? 3
          : own('t')
            ? 4
            : own('g')
              ? 5
              : a.floats?.length
                ? 6
                : a.ints?.length
                  ? 7
                  : a.strings?.length
                    ? 8
                    : 0);
  switch (type) {
    case 1:
      return shortestFloat32(a.f ?? 0);
    case 2:
      return int64(a.i);
    case 3:
      return utf8.decode(a.s ?? new Uint8Array());
    case 4:
      return a.t ? { dims: tensorDims(a.t), dtype: dtypeName(a.t.dataType) } : undefined;
    case 5:
      return { graph: a.g?.name ?? '' };
    case 6:
      return (a.floats ?? []).map(shortestFloat32);
    case 7:
      return (a.ints ?? []).map(int64);
    case 8:
      return (a.strings ?? []).map((s) => utf8.decode(s));
    default:
      return undefined;
  }
}
