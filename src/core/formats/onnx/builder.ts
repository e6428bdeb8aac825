// Builds the IR from a decoded ONNX graph in one pass over the nodes. Every tensor name has one entry
// (producer, shape, constant value), so each node input costs one map lookup: the IR build has to stay
// cheap next to the protobuf decode itself (W4 benchmark: a 5,001-node graph).
import { modelNameFromPath } from '../model-file-name';
import type { onnx } from 'onnx-proto';
import type { ActivationKind, Graph, Layer, LayerOp, Shape, TensorInfo } from '../../model/ir';
import { onnxDropoutSpec } from './dropout';
import { ParamCounter, type StoredTensor, type TensorFacts } from './params';
import {
  ELEMENTWISE_BROADCAST,
  ELEMENTWISE_UNARY,
  inferShape,
  ints,
  type Attributes,
  type ShapeInputs,
} from './shapes';
import { FOLDABLE, foldValue, isIntType, numbers, type Value } from './fold';
import { int64, smallTensorValues, tensorDims } from './tensors';
import { attributeValue, constantTensor, ifOutputShape, valueDtype, valueShape } from './values';
import { ModelFormatError } from '../reader';

const OPS = new Map<string, LayerOp>([
  ['Gemm', 'dense'],
  ['MatMul', 'dense'],
  ['Conv', 'conv'],
  ['ConvTranspose', 'conv'],
  ['MaxPool', 'pool'],
  ['AveragePool', 'pool'],
  ['LpPool', 'pool'],
  ['GlobalAveragePool', 'pool'],
  ['GlobalMaxPool', 'pool'],
  ['Flatten', 'flatten'],
  ['Reshape', 'reshape'],
  ['Squeeze', 'reshape'],
  ['Unsqueeze', 'reshape'],
  ['Identity', 'identity'],
  ['BatchNormalization', 'batchnorm'],
  ['LayerNormalization', 'layernorm'],
  ['Softmax', 'softmax'],
  ['Add', 'add'],
  ['Concat', 'concat'],
  ['Constant', 'constant'],
  ['Dropout', 'dropout'],
  ['LSTM', 'rnn'],
  ['GRU', 'rnn'],
  ['RNN', 'rnn'],
  ['Attention', 'attention'],
]);

const ACTIVATIONS = new Map<string, ActivationKind>([
  ['Relu', 'relu'],
  ['LeakyRelu', 'leaky-relu'],
  ['Elu', 'elu'],
  ['Selu', 'selu'],
  ['Gelu', 'gelu'],
  ['Tanh', 'tanh'],
  ['Sigmoid', 'sigmoid'],
  ['HardSigmoid', 'hard-sigmoid'],
  ['Softplus', 'softplus'],
  ['Softsign', 'softsign'],
  ['Mish', 'mish'],
  ['LogSoftmax', 'log-softmax'],
]);

function elementwise(opType: string): boolean {
  return ELEMENTWISE_UNARY.has(opType) || ELEMENTWISE_BROADCAST.has(opType);
}

function layerName(node: onnx.INodeProto, index: number): string {
  return node.name || node.output?.[0] || `${node.opType ?? ''}_${index}`;
}

/** A node's graph attributes (If's then/else_branch, Loop's and Scan's body), or undefined: most have none. */
function graphAttributes(node: onnx.INodeProto): [string, onnx.IGraphProto][] | undefined {
  const attrs = node.attribute;
  if (!attrs) return undefined;
  let graphs: [string, onnx.IGraphProto][] | undefined;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i] as onnx.IAttributeProto;
    if (a.g) (graphs ??= []).push([a.name ?? '', a.g]);
  }
  return graphs;
}

/** What the builder knows about one tensor name (a class: one hidden class for every entry). */
class TensorEntry implements TensorFacts {
  /** Id of the layer that writes it (a node or an 'input' layer). */
  producer: string | undefined = undefined;
  /** Declared in value_info / graph inputs and outputs, or inferred. */
  shape: Shape | undefined = undefined;
  constant: StoredTensor | undefined = undefined;
  /** A small constant's or a folded shape computation's value; `valueRead` once a constant's was read. */
  value: Value | undefined = undefined;
  valueRead = false;
  /** Computed from constants alone: the stored weights it is made of (for parameter counting). */
  weights: StoredTensor[] | undefined = undefined;
  graphInput = false;
}

function constantDims(c: StoredTensor | undefined): number[] | undefined {
  if (c) c.dims ??= tensorDims(c.tensor);
  return c?.dims;
}

/** A constant's value, read from its tensor once (only shape computations ask, and only for small ones). */
function entryValue(e: TensorEntry | undefined): Value | undefined {
  const c = e?.constant;
  if (e && c && !e.valueRead) {
    e.valueRead = true;
    const data = smallTensorValues(c.tensor);
    if (data) e.value = { dims: constantDims(c) as number[], data, int: isIntType(c.tensor.dataType ?? 0) };
  }
  return e?.value;
}

/** The current node's inputs, resolved once, as shape inference and parameter counting see them. */
class NodeInputs implements ShapeInputs {
  entries: (TensorEntry | undefined)[] = [];
  names: string[] = [];
  outputCount = 0;
  get count(): number {
    return this.entries.length;
  }
  shape(i: number): Shape | undefined {
    const e = this.entries[i];
    return e?.shape ?? constantDims(e?.constant);
  }
  value(i: number): Value | undefined {
    return entryValue(this.entries[i]);
  }
  values(i: number): number[] | undefined {
    return numbers(entryValue(this.entries[i]));
  }
  given(i: number): boolean {
    return !!this.names[i];
  }
  constantDims(i: number): number[] | undefined {
    return constantDims(this.entries[i]?.constant);
  }
}

export class GraphBuilder {
  private readonly table = new Map<string, TensorEntry>();
  private readonly ids = new Set<string>();
  private readonly opset: number;
  /** Dropout layers with a mask output, by mask tensor name. */
  private readonly masks = new Map<string, Layer>();
  private readonly inputs = new NodeInputs();
  private readonly params = new ParamCounter((name) => this.table.get(name));
  /** Set when a node reads a tensor nothing produced before it (the nodes are not sorted). */
  readsLaterOutputs = false;

  constructor(
    private readonly model: onnx.IModelProto,
    private readonly g: onnx.IGraphProto,
    private readonly path: string,
  ) {
    const main = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
    this.opset = main ? int64(main.version) : 1;
  }

  /** Initializers and Constant node values, by tensor name (the weights accessor reads them). */
  constant(name: string): StoredTensor | undefined {
    return this.table.get(name)?.constant;
  }

  /** `order`: the node indices to visit when the file's own order is not topological. */
  build(order?: number[]): Graph {
    const g = this.g;
    for (const t of g.initializer ?? []) {
      const name = t.name ?? '';
      const constant: StoredTensor = { tensor: t, from: 'initializer' };
      const e = this.table.get(name);
      if (e) e.constant = constant;
      else {
        const entry = new TensorEntry();
        entry.constant = constant;
        this.table.set(name, entry);
      }
    }
    for (const list of [g.input, g.valueInfo, g.output]) {
      for (const v of list ?? []) {
        const shape = valueShape(v);
        if (shape && v.name) this.entry(v.name).shape = shape;
      }
    }
    const layers: Layer[] = [];
    const inputs: TensorInfo[] = [];
    for (const v of g.input ?? []) {
      const name = v.name ?? '';
      const e = this.entry(name);
      if (e.constant) continue; // an initializer listed as an input (IR version < 4)
      e.graphInput = true;
      e.producer = this.uniqueId(name || 'input');
      inputs.push({ name, shape: e.shape, dtype: valueDtype(v), layerId: e.producer });
      layers.push({
        ...{ id: e.producer, name, op: 'input', originalOp: 'input', inputs: [], attributes: {} },
        ...{ outputShape: e.shape, params: 0, tensors: { inputs: [], outputs: [name] }, source: {} },
      });
    }
    const nodes = g.node ?? [];
    this.nodes(nodes, layers, undefined, order);
    if (this.masks.size > 0) this.markConsumedMasks(g);
    const outputs = (g.output ?? []).map((v) => {
      const e = this.table.get(v.name ?? '');
      return { name: v.name ?? '', shape: e?.shape, dtype: valueDtype(v), layerId: e?.producer };
    });
    return {
      format: 'onnx',
      name: g.name || modelNameFromPath(this.path),
      inputs,
      outputs,
      layers,
      meta: this.meta(),
    };
  }

  /**
   * Appends the layers of `nodes`; a node holding subgraphs (If's branches, Loop's and Scan's body) comes
   * after their layers, which read its outer tensors by name: ONNX forbids a subgraph name shadowing an
   * outer one, so one tensor table serves every scope.
   */
  private nodes(
    nodes: onnx.INodeProto[],
    layers: Layer[],
    subgraph: string | undefined,
    order?: number[],
  ): void {
    for (let k = 0; k < nodes.length; k++) {
      const index = order ? (order[k] as number) : k;
      const node = nodes[index] as onnx.INodeProto;
      try {
        const graphs = graphAttributes(node);
        const id = graphs ? this.uniqueId(layerName(node, index)) : undefined;
        if (graphs) for (const [attr, sub] of graphs) this.subgraph(sub, `${id}/${attr}`, layers);
        const layer = this.layer(node, index, id);
        if (subgraph !== undefined) layer.source.subgraph = subgraph;
        if (graphs) this.readBranchOutputs(layer, graphs);
        layers.push(layer);
      } catch (e) {
        if (e instanceof ModelFormatError) throw e;
        // Garbage that still decodes as protobuf must end as a located format error, not a crash.
        const where = node.name || `#${index}`;
        const within = subgraph === undefined ? '' : ` in ${subgraph}`;
        const why = `${this.path}: node ${where}${within} (${node.opType}): ${(e as Error).message}`;
        throw new ModelFormatError('onnx', why, { node: where });
      }
    }
  }

  /** A subgraph's initializers, declared shapes and inputs (set by its node at run time), then its nodes. */
  private subgraph(g: onnx.IGraphProto, where: string, layers: Layer[]): void {
    for (const t of g.initializer ?? [])
      this.entry(t.name ?? '').constant = { tensor: t, from: 'initializer' };
    for (const list of [g.input, g.valueInfo, g.output]) {
      for (const v of list ?? []) {
        const shape = valueShape(v);
        if (shape && v.name) this.entry(v.name).shape ??= shape;
      }
    }
    for (const v of g.input ?? []) {
      const e = this.entry(v.name ?? '');
      if (!e.constant) e.graphInput = true;
    }
    this.nodes(g.node ?? [], layers, where);
  }

  /** The node's outputs are its subgraphs' outputs: it reads their producers. */
  private readBranchOutputs(layer: Layer, graphs: [string, onnx.IGraphProto][]): void {
    for (const [, g] of graphs) {
      for (const v of g.output ?? []) {
        const producer = this.table.get(v.name ?? '')?.producer;
        if (producer !== undefined && producer !== layer.id && !layer.inputs.includes(producer))
          layer.inputs.push(producer);
      }
    }
  }

  private entry(name: string): TensorEntry {
    let e = this.table.get(name);
    if (!e) {
      e = new TensorEntry();
      this.table.set(name, e);
    }
    return e;
  }

  private layer(node: onnx.INodeProto, index: number, reservedId?: string): Layer {
    const opType = node.opType ?? '';
    const standard = !node.domain || node.domain === 'ai.onnx';
    const attributes: Attributes = {};
    // Indexed loops and push (not for-of, not length =) keep the optimised code from deoptimising on the
    // first nodes, which the W4 benchmark's five repetitions would notice.
    const attrs = node.attribute ?? [];
    for (let i = 0; i < attrs.length; i++) {
      const a = attrs[i] as onnx.IAttributeProto;
      attributes[a.name ?? ''] = attributeValue(a);
    }
    if (!standard) attributes.domain = node.domain;
    const names = node.input ?? [];
    const inputs = this.inputs;
    const entries = inputs.entries;
    inputs.names = names;
    entries.length = 0;
    for (let i = 0; i < names.length; i++)
      entries.push(names[i] ? this.table.get(names[i] as string) : undefined);
    const activation = standard ? ACTIVATIONS.get(opType) : undefined;
    const name = layerName(node, index);
    const id = reservedId ?? this.uniqueId(name);
    const owned = this.params.node(node, standard, entries);
    const layer: Layer = {
      id,
      name,
      op:
        (standard && OPS.get(opType)) ||
        (activation ? 'activation' : standard && elementwise(opType) ? 'elementwise' : 'unknown'),
      originalOp: opType,
      inputs: this.producerIds(names),
      attributes,
      params: owned.params,
      tensors: { inputs: names, outputs: node.output ?? [] },
      source: node.name ? { nodeIndex: index, nodeName: node.name } : { nodeIndex: index },
    };
    if (activation) layer.activation = activation;
    if (owned.frozen) layer.frozenParams = owned.frozen;
    if (owned.incomplete) layer.paramsIncomplete = owned.incomplete;
    if (standard) this.describe(layer, opType, node);
    const outputs = node.output ?? [];
    inputs.outputCount = outputs.length;
    for (let i = 0; i < outputs.length; i++) {
      if (!outputs[i]) continue;
      const e = this.entry(outputs[i] as string);
      e.producer = id;
      if (owned.passOn) e.weights = owned.passOn;
      // Declared shapes win over inferred ones.
      if (standard)
        e.shape ??= opType === 'If' ? ifOutputShape(node, i) : inferShape(opType, attributes, inputs, i);
    }
    const out = outputs[0] ? this.table.get(outputs[0]) : undefined;
    if (out && standard) this.trackConstant(opType, node, out);
    if (out && standard && !out.constant && FOLDABLE.has(opType)) {
      out.value = foldValue(opType, attributes, inputs, out.shape);
      out.valueRead = true;
      if (out.value) out.shape ??= out.value.dims;
    }
    if (out?.shape) layer.outputShape = out.shape;
    return layer;
  }

  /** Constant nodes, and Identity of a constant: PyTorch shares equal initializers that way. */
  private trackConstant(opType: string, node: onnx.INodeProto, out: TensorEntry): void {
    if (opType === 'Constant') {
      const tensor = constantTensor(node);
      if (!tensor) return;
      out.constant = { tensor, from: 'constant' };
      out.shape ??= constantDims(out.constant);
    } else if (opType === 'Identity' && this.inputs.entries[0]?.constant) {
      out.constant = this.inputs.entries[0].constant;
    }
  }

  /** Normalised attributes for the ops rules and views care about. */
  private describe(layer: Layer, opType: string, node: onnx.INodeProto): void {
    const a = layer.attributes;
    const inputs = this.inputs;
    const names = node.input ?? [];
    let weights: string[] | undefined;
    for (let i = 1; i < names.length; i++) {
      if (inputs.entries[i]?.constant?.from === 'initializer') (weights ??= []).push(names[i] as string);
    }
    if (weights) a.initializers = weights;
    const w = inputs.constantDims(1);
    if (opType === 'Gemm' || opType === 'MatMul') {
      if (w?.length === 2) a.units = opType === 'Gemm' && a.transB === 1 ? w[0] : w[1];
    } else if (opType === 'Conv' || opType === 'ConvTranspose') {
      if (w) {
        a.filters = opType === 'Conv' ? w[0] : (w[1] ?? 0) * (typeof a.group === 'number' ? a.group : 1);
        a.kernelSize = w.slice(2);
      }
    } else if (layer.op === 'pool') {
      a.poolType = opType.includes('Max') ? 'max' : opType.startsWith('Lp') ? 'lp' : 'average';
      if (opType.startsWith('Global')) a.global = true;
      if (ints(a.kernel_shape)) a.kernelSize = a.kernel_shape;
    } else if (layer.op === 'rnn') {
      a.cell = opType === 'RNN' ? 'simple' : opType.toLowerCase();
      if (typeof a.hidden_size === 'number') a.units = a.hidden_size;
    } else if (opType === 'Clip' && this.isRelu6(a)) {
      layer.op = 'activation';
      layer.activation = 'relu6';
    } else if (opType === 'Dropout') {
      layer.dropout = onnxDropoutSpec({
        opsetVersion: this.opset,
        attributes: a,
        inputs: names,
        constant: (name) => {
          const c = this.constant(name);
          return c && { values: smallTensorValues(c.tensor), from: c.from };
        },
        isGraphInput: (name) => this.table.get(name)?.graphInput === true,
      });
      if (node.output?.[1]) this.masks.set(node.output[1], layer);
    }
  }

  /** Clip(min = 0, max = 6) is how PyTorch exports ReLU6 (attributes before op set 11, inputs after). */
  private isRelu6(a: Attributes): boolean {
    const bound = (i: number, attr: unknown) =>
      typeof attr === 'number' ? attr : this.inputs.values(i)?.[0];
    return bound(1, a.min) === 0 && bound(2, a.max) === 6;
  }

  /** A Dropout mask counts as used when another node or a (sub)graph's outputs read it. */
  private markConsumedMasks(g: onnx.IGraphProto): void {
    const mark = (name: string | null | undefined) => {
      const spec = name ? this.masks.get(name)?.dropout : undefined;
      if (spec) spec.origin.maskConsumed = true;
    };
    for (const node of g.node ?? []) {
      (node.input ?? []).forEach(mark);
      for (const [, sub] of graphAttributes(node) ?? []) this.markConsumedMasks(sub);
    }
    for (const o of g.output ?? []) mark(o.name);
  }

  /** The layers producing a node's inputs, once each, in input order; notes reads of unknown tensors. */
  private producerIds(names: string[]): string[] {
    const ids: string[] = [];
    const entries = this.inputs.entries;
    for (let i = 0; i < names.length; i++) {
      const e = entries[i];
      if (!names[i]) continue;
      if (e?.producer === undefined) {
        // A subgraph's inputs have no producer: its node sets them.
        if (!e?.constant && !e?.graphInput) this.readsLaterOutputs = true;
      } else if (!ids.includes(e.producer)) {
        ids.push(e.producer);
      }
    }
    return ids;
  }

  private uniqueId(preferred: string): string {
    let id = preferred;
    for (let n = 2; this.ids.has(id); n++) id = `${preferred}#${n}`;
    this.ids.add(id);
    return id;
  }

  private meta(): Record<string, unknown> {
    const m = this.model;
    const metadata = (m.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']);
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
      ...(metadata.length > 0 ? { metadata: Object.fromEntries(metadata) } : {}),
    };
  }
}
