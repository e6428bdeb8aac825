// Reader for Dropout Lens's own format, `*.nn.json`: a readable network + training spec. Every layer and
// property keeps its exact source range so findings and quick fixes land on the value itself.
import { parseTree, getNodeValue, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { ActivationKind, DropoutSpec, Graph, Layer, LayerOp, Shape, SourceRange } from '../model/ir';
import { ModelFormatError, decodeText, type ModelReader, type ModelSource } from './reader';

export const NN_JSON_FORMAT_ID = 'dropout-lens/nn';

/** The .nn.json layer types and the IR op each becomes. */
const LAYER_OPS: Record<string, LayerOp> = {
  dense: 'dense',
  conv2d: 'conv',
  maxpool2d: 'pool',
  avgpool2d: 'pool',
  globalavgpool2d: 'pool',
  flatten: 'flatten',
  reshape: 'reshape',
  batchnorm: 'batchnorm',
  layernorm: 'layernorm',
  activation: 'activation',
  softmax: 'softmax',
  dropout: 'dropout',
  'spatial-dropout': 'dropout',
  'alpha-dropout': 'dropout',
  'gaussian-dropout': 'dropout',
  'gaussian-noise': 'gaussian-noise',
};

const ACTIVATIONS: ReadonlySet<string> = new Set<ActivationKind>([
  'linear',
  'relu',
  'leaky-relu',
  'elu',
  'selu',
  'gelu',
  'tanh',
  'sigmoid',
  'softmax',
]);

export const nnJsonReader: ModelReader = {
  format: 'nn-json',
  match(source: ModelSource): boolean {
    if (source.path.endsWith('.nn.json')) return true;
    const head = decodeText(source.bytes.subarray(0, 512));
    return head.includes(`"${NN_JSON_FORMAT_ID}"`);
  },
  open(source: ModelSource): Graph {
    return readNnJson(decodeText(source.bytes), source.path);
  },
};

function rangeOf(node: Node): SourceRange {
  return { offset: node.offset, length: node.length };
}

function property(object: Node, key: string): Node | undefined {
  for (const p of object.children ?? []) {
    const [k, v] = p.children ?? [];
    if (k?.value === key) return v;
  }
  return undefined;
}

function fail(message: string, node?: Node): never {
  throw new ModelFormatError('nn-json', message, node ? rangeOf(node) : undefined);
}

/** Parses .nn.json text into the IR. `path` is only used in messages. */
export function readNnJson(text: string, path = 'model.nn.json'): Graph {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  if (errors.length > 0 || root === undefined) {
    const e = errors[0];
    throw new ModelFormatError(
      'nn-json',
      `${path}: invalid JSON (${e ? printParseErrorCode(e.error) : 'empty file'})`,
      e ? { offset: e.offset, length: e.length } : undefined,
    );
  }
  if (root.type !== 'object') fail(`${path}: a .nn.json model is a JSON object`, root);
  const format = property(root, 'format');
  if (format?.value !== NN_JSON_FORMAT_ID) {
    fail(`${path}: "format" must be "${NN_JSON_FORMAT_ID}"`, format ?? root);
  }
  const layersNode = property(root, 'layers');
  if (layersNode?.type !== 'array') fail(`${path}: "layers" must be an array of layers`, layersNode ?? root);

  const inputShape = readInputShape(property(root, 'input'), path);
  const name = property(root, 'name')?.value;
  const layers: Layer[] = [
    {
      id: 'input',
      name: 'input',
      op: 'input',
      originalOp: 'input',
      inputs: [],
      attributes: {},
      outputShape: [null, ...inputShape],
      params: 0,
      source: {},
    },
  ];
  (layersNode.children ?? []).forEach((node, index) => {
    layers.push(readLayer(node, index, layers[layers.length - 1] as Layer, path));
  });
  const last = layers[layers.length - 1] as Layer;
  const training = property(root, 'training');
  return {
    format: 'nn-json',
    name: typeof name === 'string' ? name : path,
    inputs: [{ name: 'input', shape: [null, ...inputShape], dtype: 'float32', layerId: 'input' }],
    outputs: [{ name: 'output', shape: last.outputShape, dtype: 'float32', layerId: last.id }],
    layers,
    meta: {
      version: property(root, 'version')?.value,
      training: training ? getNodeValue(training) : undefined,
      weights: property(root, 'weights')?.value,
    },
  };
}

function readInputShape(node: Node | undefined, path: string): number[] {
  const shape = node?.type === 'object' ? property(node, 'shape') : undefined;
  if (shape?.type !== 'array')
    fail(`${path}: "input.shape" must be an array of sizes, e.g. [64]`, shape ?? node);
  return (shape.children ?? []).map((d) => {
    if (typeof d.value !== 'number' || !Number.isInteger(d.value) || d.value < 1) {
      fail(`${path}: input sizes must be positive integers`, d);
    }
    return d.value as number;
  });
}

function readLayer(node: Node, index: number, previous: Layer, path: string): Layer {
  const where = `${path}: layers[${index}]`;
  if (node.type !== 'object') fail(`${where} must be an object with a "type"`, node);
  const typeNode = property(node, 'type');
  const type = typeNode?.value;
  if (typeof type !== 'string' || !(type in LAYER_OPS)) {
    fail(
      `${where}: unknown layer type ${JSON.stringify(type)}; one of ${Object.keys(LAYER_OPS).join(', ')}`,
      typeNode ?? node,
    );
  }
  const properties: Record<string, SourceRange> = {};
  const attributes: Record<string, unknown> = {};
  for (const p of node.children ?? []) {
    const [k, v] = p.children ?? [];
    if (typeof k?.value === 'string' && v) {
      properties[k.value] = rangeOf(v);
      attributes[k.value] = getNodeValue(v);
    }
  }
  const op = LAYER_OPS[type] as LayerOp;
  const layer: Layer = {
    id: `layers[${index}]`,
    name: typeof attributes.name === 'string' ? attributes.name : `layers[${index}] (${type})`,
    op,
    originalOp: type,
    inputs: [previous.id],
    attributes,
    params: 0,
    source: { range: rangeOf(node), properties },
  };
  const activation = attributes.activation;
  if (activation !== undefined) {
    if (typeof activation !== 'string' || !ACTIVATIONS.has(activation)) {
      fail(`${where}: unknown activation ${JSON.stringify(activation)}`, property(node, 'activation'));
    }
    layer.activation = activation as ActivationKind;
  }
  const dropout = dropoutSpec(type, attributes);
  if (dropout) layer.dropout = dropout;
  inferShape(layer, previous.outputShape ?? [], where, node);
  return layer;
}

function dropoutSpec(type: string, attributes: Record<string, unknown>): DropoutSpec | undefined {
  const variants: Record<string, DropoutSpec['variant']> = {
    dropout: 'standard',
    'spatial-dropout': 'spatial',
    'alpha-dropout': 'alpha',
    'gaussian-dropout': 'gaussian',
    'gaussian-noise': 'gaussian',
  };
  const variant = variants[type];
  if (variant === undefined) return undefined;
  const key = type === 'gaussian-noise' ? 'stddev' : 'rate';
  const raw = attributes[key];
  const spec: DropoutSpec = {
    variant,
    rate: typeof raw === 'number' ? raw : Number.NaN,
    scaling: attributes.scaling === 'inference-scale' ? 'inference-scale' : 'inverted',
    mode: attributes.mcDropout === true ? 'always' : 'train-only',
    origin: { op: type, rateSource: 'property', property: key },
  };
  if (typeof raw !== 'number' || !Number.isFinite(raw)) spec.rawRate = raw;
  return spec;
}

/** Output shape and parameter count, from the previous layer's shape ([batch, ...features]). */
function inferShape(layer: Layer, input: Shape, where: string, node: Node): void {
  const a = layer.attributes;
  const features = input.slice(1);
  const size = (dims: Shape) =>
    dims.reduce<number | null>((n, d) => (n === null || typeof d !== 'number' ? null : n * d), 1);
  switch (layer.originalOp) {
    case 'dense': {
      const units = a.units;
      if (typeof units !== 'number' || !Number.isInteger(units) || units < 1)
        fail(`${where}: "units" must be a positive integer`, property(node, 'units') ?? node);
      const inFeatures = features[features.length - 1];
      layer.outputShape = [...input.slice(0, -1), units];
      if (typeof inFeatures === 'number') layer.params = inFeatures * units + (a.bias === false ? 0 : units);
      return;
    }
    case 'conv2d': {
      // Channels-first like ONNX/PyTorch: [batch, channels, height, width].
      const filters = a.filters;
      const k = a.kernelSize;
      if (typeof filters !== 'number' || typeof k !== 'number')
        fail(`${where}: conv2d needs "filters" and "kernelSize"`, node);
      const stride = typeof a.stride === 'number' ? a.stride : 1;
      const pad = a.padding === 'same' ? Math.floor(k / 2) : 0;
      const [c, h, w] = features;
      const out = (d: Dim) => (typeof d === 'number' ? Math.floor((d + 2 * pad - k) / stride) + 1 : null);
      layer.outputShape = [input[0] ?? null, filters, out(h ?? null), out(w ?? null)];
      if (typeof c === 'number') layer.params = c * k * k * filters + filters;
      return;
    }
    case 'maxpool2d':
    case 'avgpool2d': {
      const k = typeof a.poolSize === 'number' ? a.poolSize : 2;
      const stride = typeof a.stride === 'number' ? a.stride : k;
      const [c, h, w] = features;
      const out = (d: Dim) => (typeof d === 'number' ? Math.floor((d - k) / stride) + 1 : null);
      layer.outputShape = [input[0] ?? null, c ?? null, out(h ?? null), out(w ?? null)];
      return;
    }
    case 'globalavgpool2d':
      layer.outputShape = [input[0] ?? null, features[0] ?? null];
      return;
    case 'flatten':
      layer.outputShape = [input[0] ?? null, size(features)];
      return;
    case 'reshape': {
      const shape = a.shape;
      if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number'))
        fail(`${where}: "shape" must be an array of sizes`, node);
      layer.outputShape = [input[0] ?? null, ...(shape as number[])];
      return;
    }
    case 'batchnorm':
    case 'layernorm': {
      const channels = layer.originalOp === 'batchnorm' ? features[0] : features[features.length - 1];
      layer.outputShape = input;
      // BatchNorm: gamma, beta + running mean, variance; LayerNorm: gamma, beta.
      if (typeof channels === 'number') layer.params = (layer.originalOp === 'batchnorm' ? 4 : 2) * channels;
      return;
    }
    default:
      layer.outputShape = input;
  }
}
type Dim = Shape[number];
