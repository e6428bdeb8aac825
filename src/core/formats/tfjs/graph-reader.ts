// Reader for TensorFlow.js graph models: `model.json` with `format: "graph-model"`, a TensorFlow GraphDef
// as JSON in `modelTopology.node` ({ name, op, input[], attr }). Each node becomes a layer, except that a
// dropout subgraph (dropout-pattern.ts) collapses into one dropout layer. The converter stores no output
// shapes, so only inputs (Placeholder) and constants have shapes here.
import { modelNameFromPath } from '../model-file-name';
import type { Node } from 'jsonc-parser';
import type { ActivationKind, Graph, Layer, LayerOp, Shape, TensorInfo } from '../../model/ir';
import { mcMarkFromMetadata } from '../../model/mc-marker';
import { activationKind } from './keras-layers';
import { JsonErrors, parseJsonTree, properties, propertyNode, rangeOf } from '../json-text';
import { ModelFormatError, sourceText, type ModelReader, type ModelSource } from '../reader';
import { findDropoutSubgraphs, type TfNode } from './dropout-pattern';
import { sniffTfjs } from './sniff';
import { readWeightsManifest } from './weights';

export const tfjsGraphReader: ModelReader = {
  format: 'tfjs-graph',
  match: (source: ModelSource) => sniffTfjs(source) === 'graph-model',
  open: (source: ModelSource) => readTfjsGraph(sourceText(source), source.path),
};

const OPS: Record<string, LayerOp> = {
  Placeholder: 'input',
  Const: 'constant',
  MatMul: 'dense',
  _FusedMatMul: 'dense',
  Conv2D: 'conv',
  _FusedConv2D: 'conv',
  Conv3D: 'conv',
  DepthwiseConv2dNative: 'conv',
  FusedDepthwiseConv2dNative: 'conv',
  MaxPool: 'pool',
  AvgPool: 'pool',
  MaxPool3D: 'pool',
  AvgPool3D: 'pool',
  Softmax: 'softmax',
  Reshape: 'reshape',
  Squeeze: 'reshape',
  ExpandDims: 'reshape',
  Identity: 'identity',
  Add: 'add',
  AddV2: 'add',
  AddN: 'add',
  ConcatV2: 'concat',
  FusedBatchNorm: 'batchnorm',
  FusedBatchNormV3: 'batchnorm',
};

/** TF activation ops (and fused_ops names) to the IR's kinds. */
const TF_ACTIVATIONS: Record<string, ActivationKind> = {
  Relu: 'relu',
  Relu6: 'relu6',
  Elu: 'elu',
  Selu: 'selu',
  Tanh: 'tanh',
  Sigmoid: 'sigmoid',
  Softplus: 'softplus',
  Softsign: 'softsign',
  LeakyRelu: 'leaky-relu',
  LogSoftmax: 'log-softmax',
  Gelu: 'gelu',
};

interface ParsedNode extends TfNode {
  node: Node;
  index: number;
  attr: Record<string, unknown>;
  controlInputs: string[];
}

function fail(message: string, node?: Node): never {
  throw new ModelFormatError('tfjs-graph', message, node ? rangeOf(node) : undefined);
}

/** Parses a graph-model model.json into the IR. `path` is only used in messages. */
export function readTfjsGraph(text: string, path = 'model.json'): Graph {
  const root = parseJsonTree(text, new JsonErrors('tfjs-graph', text, path));
  if (root.type !== 'object') fail(`${path}: a TensorFlow.js model.json is a JSON object`, root);
  const topology = propertyNode(root, 'modelTopology');
  const list = propertyNode(topology, 'node');
  if (list?.type !== 'array')
    fail(`${path}: "modelTopology.node" must be a list of nodes`, list ?? topology ?? root);
  const nodes = (list.children ?? []).map((n, i) => parseNode(n, i, path));
  const byName = new Map(nodes.map((n) => [n.name, n]));
  for (const n of nodes)
    for (const i of [...n.inputs, ...n.controlInputs])
      if (!byName.has(i)) fail(`${path}: node "${n.name}" reads "${i}", which is not in the graph`, n.node);

  // Every node of a dropout subgraph is replaced by one layer with the subgraph's output node's id.
  const replacedBy = new Map<string, string>();
  const dropouts = new Map<string, Layer>();
  for (const m of findDropoutSubgraphs(nodes)) {
    const out = byName.get(m.output) as ParsedNode;
    const rateNode = m.rateNode ? byName.get(m.rateNode) : undefined;
    const rateValue = rateNode && scalarNode(rateNode.node);
    dropouts.set(m.output, {
      id: m.output,
      name: m.output.includes('/') ? m.output.slice(0, m.output.lastIndexOf('/')) : m.output,
      op: 'dropout',
      originalOp: m.chain.join(' → '),
      inputs: [m.input],
      attributes: { subgraph: m.nodes },
      params: 0,
      dropout: {
        variant: 'standard',
        rate: m.rate,
        scaling: 'inverted',
        mode: 'inference-active',
        origin: {
          op: m.chain.join(' → '),
          rateSource: 'constant',
          subgraphNodes: m.nodes,
          ...(m.keepProbability ? { keepProbability: true } : {}),
        },
      },
      source: {
        range: rangeOf(out.node),
        nodeName: m.output,
        nodeIndex: out.index,
        ...(rateValue ? { properties: { rate: rangeOf(rateValue) } } : {}),
      },
    });
    for (const name of m.nodes) replacedBy.set(name, m.output);
  }
  const idOf = (name: string) => replacedBy.get(name) ?? name;
  const layers: Layer[] = [];
  for (const n of nodes) {
    const dropout = dropouts.get(n.name);
    if (dropout) layers.push({ ...dropout, inputs: dropout.inputs.map(idOf) });
    else if (!replacedBy.has(n.name)) layers.push(toLayer(n, byName, idOf));
  }
  const meta = properties(root).values;
  return {
    format: 'tfjs-graph',
    name: modelNameFromPath(path),
    inputs: layers
      .filter((l) => l.op === 'input')
      .map((l): TensorInfo => ({ name: l.name, shape: l.outputShape, layerId: l.id })),
    outputs: outputsOf(
      layers,
      meta.signature ?? (meta.userDefinedMetadata as Record<string, unknown>)?.signature,
      idOf,
    ),
    layers,
    meta: {
      generatedBy: meta.generatedBy,
      convertedBy: meta.convertedBy,
      ...mcMarkFromMetadata(meta.userDefinedMetadata, 'userDefinedMetadata'),
      weightsManifest: readWeightsManifest(propertyNode(root, 'weightsManifest'), 'tfjs-graph', path),
    },
  };
}

function parseNode(node: Node, index: number, path: string): ParsedNode {
  const where = `${path}: node[${index}]`;
  if (node.type !== 'object') fail(`${where} must be an object with "name" and "op"`, node);
  const name = propertyNode(node, 'name');
  const op = propertyNode(node, 'op');
  if (typeof name?.value !== 'string') fail(`${where} needs a "name" string`, name ?? node);
  if (typeof op?.value !== 'string') fail(`${where} ("${name.value}") needs an "op" string`, op ?? node);
  const input = propertyNode(node, 'input');
  if (
    input !== undefined &&
    (input.type !== 'array' || !(input.children ?? []).every((c) => c.type === 'string'))
  )
    fail(`${where} ("${name.value}"): "input" must be a list of node names`, input);
  const inputs: string[] = [];
  const controlInputs: string[] = [];
  for (const c of input?.children ?? []) {
    const raw = c.value as string;
    // "^name" is a control dependency; "name:1" reads output 1 of the node.
    if (raw.startsWith('^')) controlInputs.push(raw.slice(1));
    else inputs.push(raw.replace(/:\d+$/, ''));
  }
  const attr = properties(propertyNode(node, 'attr')).values;
  const parsed: ParsedNode = { name: name.value, op: op.value, inputs, controlInputs, node, index, attr };
  const scalar = scalarNode(node);
  if (scalar && typeof scalar.value === 'number') parsed.scalar = scalar.value;
  return parsed;
}

/** The JSON node of a Const's inline scalar (`attr.value.tensor.floatVal[0]` and friends). */
function scalarNode(node: Node): Node | undefined {
  const tensor = propertyNode(propertyNode(propertyNode(node, 'attr'), 'value'), 'tensor');
  for (const key of ['floatVal', 'doubleVal', 'halfVal', 'intVal']) {
    const values = propertyNode(tensor, key);
    if (values?.type === 'array' && values.children?.length === 1) return values.children[0];
  }
  return undefined;
}

function shapeOf(value: unknown): Shape | undefined {
  const dims = (value as { dim?: { size?: string | number }[] } | undefined)?.dim;
  if (!Array.isArray(dims)) return (value as { unknownRank?: boolean })?.unknownRank ? undefined : [];
  return dims.map((d: unknown) => {
    // Sizes are strings in GraphDef JSON ("-1" = unknown); anything else is unknown too.
    const size = typeof d === 'object' && d !== null ? (d as { size?: unknown }).size : undefined;
    const n = typeof size === 'string' || typeof size === 'number' ? Number(size) : Number.NaN;
    return Number.isInteger(n) && n >= 0 ? n : null;
  });
}

function toLayer(n: ParsedNode, byName: Map<string, ParsedNode>, idOf: (name: string) => string): Layer {
  const op = OPS[n.op] ?? (n.op in TF_ACTIVATIONS ? 'activation' : 'unknown');
  const layer: Layer = {
    id: n.name,
    name: n.name,
    op,
    originalOp: n.op,
    inputs: n.inputs.map(idOf),
    attributes: n.controlInputs.length > 0 ? { ...n.attr, controlInputs: n.controlInputs } : n.attr,
    params: 0,
    source: {
      range: rangeOf(n.node),
      nodeName: n.name,
      nodeIndex: n.index,
      properties: properties(n.node).ranges,
    },
  };
  const tensor = (n.attr.value as { tensor?: { tensorShape?: unknown } } | undefined)?.tensor;
  if (op === 'input') {
    const shape = shapeOf((n.attr.shape as { shape?: unknown } | undefined)?.shape);
    if (shape) layer.outputShape = shape;
  } else if (op === 'constant' && tensor) {
    const shape = shapeOf(tensor.tensorShape);
    if (shape) layer.outputShape = shape;
  }
  if (op === 'activation') layer.activation = TF_ACTIVATIONS[n.op] as ActivationKind;
  if (op === 'dense' || op === 'conv') {
    // Weights and fused biases are Const inputs; the layer owns their elements.
    layer.params = n.inputs
      .map((i) => byName.get(i))
      .filter((p) => p?.op === 'Const')
      .reduce((sum, p) => sum + elementCount(p as ParsedNode), 0);
    const fused = fusedActivation(n.attr.fused_ops);
    if (fused) layer.activation = fused;
  }
  return layer;
}

function elementCount(n: ParsedNode): number {
  const shape = shapeOf(
    (n.attr.value as { tensor?: { tensorShape?: unknown } } | undefined)?.tensor?.tensorShape,
  );
  return shape?.reduce<number>((a, d) => a * (typeof d === 'number' ? d : 0), 1) ?? 0;
}

/** Decoded base64 text, or '' for text that is not base64 (a damaged file names no op). */
function fromBase64(text: string): string {
  try {
    return atob(text);
  } catch {
    return '';
  }
}

/** `fused_ops` holds base64 op names, e.g. ["BiasAdd", "Relu"]; the last activation among them wins. */
function fusedActivation(value: unknown): ActivationKind | undefined {
  const list = (value as { list?: { s?: unknown[] } } | undefined)?.list?.s;
  if (!Array.isArray(list)) return undefined;
  const names = list.map((s) => (typeof s === 'string' ? fromBase64(s) : ''));
  const kinds = names.map((name) => TF_ACTIVATIONS[name] ?? activationKind(name.toLowerCase()));
  return kinds.filter((k): k is ActivationKind => k !== undefined).pop();
}

/** Outputs from the signature ("Identity:0"), else every non-constant layer nobody reads. */
function outputsOf(layers: Layer[], signature: unknown, idOf: (name: string) => string): TensorInfo[] {
  const named = Object.keys((signature as { outputs?: Record<string, unknown> } | undefined)?.outputs ?? {});
  const ids = new Set(layers.map((l) => l.id));
  const fromSignature = named.map((n) => idOf(n.replace(/:\d+$/, ''))).filter((id) => ids.has(id));
  const read = new Set(layers.flatMap((l) => l.inputs));
  const chosen =
    fromSignature.length > 0
      ? fromSignature
      : layers.filter((l) => !read.has(l.id) && l.op !== 'constant').map((l) => l.id);
  return chosen.map((id) => ({ name: id, layerId: id }));
}
