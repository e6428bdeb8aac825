// Reader for TensorFlow.js layers models: `model.json` with `format: "layers-model"` (or an older file
// whose `modelTopology` holds a Keras `model_config`). Sequential and Functional configs, Keras 2
// nested-list `inbound_nodes` and Keras 3 `args`/`keras_history` ones. Every layer keeps the range of
// its JSON object and of each config value, so a quick fix can rewrite e.g. `"rate": 0.5` in place.
import { modelNameFromPath } from '../model-file-name';
import type { Node } from 'jsonc-parser';
import type { Graph, Layer, Shape, TensorInfo } from '../../model/ir';
import { mcMarkFromMetadata } from '../../model/mc-marker';
import { kerasLayer } from './keras-layers';
import { kerasWrapper, WRAPPERS } from './keras-wrappers';
import { JsonErrors, parseJsonTree, properties, propertyNode, rangeOf } from '../json-text';
import { ModelFormatError, sourceText, type ModelReader, type ModelSource } from '../reader';
import { sniffTfjs } from './sniff';
import { readWeightsManifest } from './weights';

export const tfjsLayersReader: ModelReader = {
  format: 'tfjs-layers',
  match: (source: ModelSource) => sniffTfjs(source) === 'layers-model',
  open: (source: ModelSource) => readTfjsLayers(sourceText(source), source.path),
};

/** A reference to the output `tensor` of call `node` of layer `layer` (Keras's inbound triple). */
interface TensorRef {
  layer: string;
  node: number;
  tensor: number;
  at: Node;
}

/** One call of one layer: a Keras "node". Shared layers have several. */
interface Call {
  id: string;
  name: string;
  className: string;
  layerNode: Node;
  config: Node | undefined;
  inputs: TensorRef[];
  /** `training: true` passed at the call: dropout stays on at inference (MC dropout). */
  training?: boolean;
  /** Parameters belong to the layer, so only its first call counts them. */
  firstCall: boolean;
  /** For an input made from the first Sequential layer's config: the config keys that describe it. */
  only?: readonly string[];
}

function fail(message: string, node?: Node): never {
  throw new ModelFormatError('tfjs-layers', message, node ? rangeOf(node) : undefined);
}

/** Parses a layers-model model.json into the IR. `path` is only used in messages. */
export function readTfjsLayers(text: string, path = 'model.json'): Graph {
  const root = parseJsonTree(text, new JsonErrors('tfjs-layers', text, path));
  if (root.type !== 'object') fail(`${path}: a TensorFlow.js model.json is a JSON object`, root);
  const topology = propertyNode(root, 'modelTopology');
  if (topology?.type !== 'object') fail(`${path}: "modelTopology" must be an object`, topology ?? root);
  const model = propertyNode(topology, 'model_config') ?? topology;
  const className = propertyNode(model, 'class_name');
  const config = propertyNode(model, 'config');
  if (typeof className?.value !== 'string')
    fail(`${path}: the model config needs a "class_name"`, className ?? model);

  const { calls, aliases } = expandModels(modelCalls(className.value, config, path), path);
  const { layers, byCall } = buildLayers(calls, aliases, path);
  const endpoints = (key: string, fallback: Layer | undefined): TensorInfo[] => {
    const refs = endpointRefs(propertyNode(config, key), path);
    const chosen = refs.length > 0 ? refs.map((r) => byCall.get(callId(r.layer, r.node))) : [fallback];
    return chosen
      .filter((l): l is Layer => l !== undefined)
      .map((l) => ({ name: l.name, shape: l.outputShape, dtype: 'float32', layerId: l.id }));
  };
  const meta = properties(root).values;
  const name = propertyNode(config, 'name')?.value;
  return {
    format: 'tfjs-layers',
    name: typeof name === 'string' ? name : modelNameFromPath(path),
    inputs: endpoints(
      'input_layers',
      layers.find((l) => l.op === 'input'),
    ),
    outputs: endpoints('output_layers', layers[layers.length - 1]),
    layers,
    meta: {
      modelClass: className.value,
      generatedBy: meta.generatedBy,
      convertedBy: meta.convertedBy,
      ...mcMarkFromMetadata(meta.userDefinedMetadata, 'userDefinedMetadata'),
      kerasVersion: propertyNode(topology, 'keras_version')?.value,
      trainingConfig: meta.trainingConfig ?? properties(topology).values.training_config,
      weightsManifest: readWeightsManifest(propertyNode(root, 'weightsManifest'), 'tfjs-layers', path),
    },
  };
}

function modelCalls(className: string, config: Node | undefined, path: string): Call[] {
  return className === 'Sequential' ? sequentialCalls(config, path) : functionalCalls(config, path);
}

/** Keras model classes a model may hold as a layer (Keras 2 "Model", tf.keras and Keras 3 "Functional"). */
const MODEL_CLASSES: ReadonlySet<string> = new Set(['Sequential', 'Functional', 'Model']);

/**
 * A model inside the model (a Functional inside a Sequential) becomes its own layers, named
 * "<model>/<layer>", wired to what the nested model reads; the nested model's name stands for its output
 * (`aliases`: call id → the inner call that produces it).
 */
function expandModels(calls: Call[], path: string): { calls: Call[]; aliases: Map<string, string> } {
  const aliases = new Map<string, string>();
  const out: Call[] = [];
  for (const call of calls) {
    if (!MODEL_CLASSES.has(call.className) || propertyNode(call.config, 'layers')?.type !== 'array') {
      out.push(call);
      continue;
    }
    const inner = expandModels(modelCalls(call.className, call.config, path), path);
    const inputs = inner.calls.filter((c) => c.className === 'InputLayer').map((c) => c.id);
    const prefix = (id: string) => `${call.id}/${inner.aliases.get(id) ?? id}`;
    const outer = (ref: TensorRef): TensorRef => {
      const k = inputs.indexOf(callId(ref.layer, ref.node));
      const from = k >= 0 ? call.inputs[k] : undefined;
      if (k >= 0 && !from)
        fail(`${path}: model "${call.name}" reads more inputs than it is given`, call.layerNode);
      return from ?? { ...ref, layer: `${call.id}/${inner.aliases.get(ref.layer) ?? ref.layer}` };
    };
    for (const c of inner.calls) {
      if (inputs.includes(c.id)) continue;
      out.push({
        ...c,
        id: prefix(c.id),
        name: `${call.name}/${c.name}`,
        inputs: c.inputs.map(outer),
        firstCall: c.firstCall && call.firstCall,
      });
    }
    for (const [from, to] of inner.aliases) aliases.set(prefix(from), prefix(to));
    const last = endpointRefs(propertyNode(call.config, 'output_layers'), path)[0];
    const produced = last ? callId(last.layer, last.node) : inner.calls[inner.calls.length - 1]?.id;
    if (produced !== undefined) aliases.set(call.id, prefix(produced));
  }
  return { calls: out, aliases };
}

/** `input_layers` / `output_layers`: a list of refs, or (Keras 3, one endpoint) the ref itself. */
function endpointRefs(list: Node | undefined, path: string): TensorRef[] {
  if (list?.type !== 'array') return [];
  if (list.children?.[0]?.type === 'string') return [tensorRef(list, path)];
  return (list.children ?? []).map((n) => tensorRef(n, path));
}

function callId(layer: string, node: number): string {
  return node === 0 ? layer : `${layer}#${node}`;
}

/** Sequential: a chain. Old files hold the layer list as `config` itself; newer ones as `config.layers`. */
function sequentialCalls(config: Node | undefined, path: string): Call[] {
  const list = config?.type === 'array' ? config : propertyNode(config, 'layers');
  if (list?.type !== 'array') fail(`${path}: a Sequential config needs a "layers" list`, list ?? config);
  const calls: Call[] = [];
  (list.children ?? []).forEach((layerNode, index) => {
    const { className, layerConfig, name } = layerHeader(layerNode, `${path}: layers[${index}]`, index);
    const previous = calls[calls.length - 1];
    if (previous === undefined && className !== 'InputLayer') {
      // Keras stores the input on the first layer (batch_input_shape) rather than as a layer.
      calls.push({
        id: 'input',
        name: 'input',
        className: 'InputLayer',
        layerNode,
        config: layerConfig,
        inputs: [],
        firstCall: true,
        only: ['batch_input_shape', 'batch_shape', 'dtype'],
      });
    }
    const before = calls[calls.length - 1];
    calls.push({
      id: name,
      name,
      className,
      layerNode,
      config: layerConfig,
      inputs: before ? [{ layer: before.id, node: 0, tensor: 0, at: layerNode }] : [],
      firstCall: true,
    });
  });
  return calls;
}

function layerHeader(layerNode: Node, where: string, index: number) {
  if (layerNode.type !== 'object') fail(`${where} must be an object with a "class_name"`, layerNode);
  const classNode = propertyNode(layerNode, 'class_name');
  if (typeof classNode?.value !== 'string')
    fail(`${where} needs a "class_name" string`, classNode ?? layerNode);
  const layerConfig = propertyNode(layerNode, 'config');
  if (layerConfig !== undefined && layerConfig.type !== 'object')
    fail(`${where}: "config" must be an object`, layerConfig);
  const name = propertyNode(layerNode, 'name')?.value ?? propertyNode(layerConfig, 'name')?.value;
  return {
    className: classNode.value as string,
    layerConfig,
    name: typeof name === 'string' ? name : `layers[${index}]`,
  };
}

function functionalCalls(config: Node | undefined, path: string): Call[] {
  const list = propertyNode(config, 'layers');
  if (list?.type !== 'array') fail(`${path}: a model config needs a "layers" list`, list ?? config);
  const calls: Call[] = [];
  (list.children ?? []).forEach((layerNode, index) => {
    const where = `${path}: layers[${index}]`;
    const { className, layerConfig, name } = layerHeader(layerNode, where, index);
    const inbound = propertyNode(layerNode, 'inbound_nodes');
    if (inbound !== undefined && inbound.type !== 'array')
      fail(`${where}: "inbound_nodes" must be a list`, inbound);
    const nodes = inbound?.children ?? [];
    const base = { name, className, layerNode, config: layerConfig };
    if (nodes.length === 0) calls.push({ ...base, id: name, inputs: [], firstCall: true });
    nodes.forEach((callNode, n) => {
      const { inputs, training } = inboundCall(callNode, `${where}.inbound_nodes[${n}]`, path);
      calls.push({
        ...base,
        id: callId(name, n),
        inputs,
        firstCall: n === 0,
        ...(training === undefined ? {} : { training }),
      });
    });
  });
  return calls;
}

/**
 * One inbound node. Keras 2: `[[name, node, tensor, kwargs], ...]`. Keras 3: `{ args: [tensor or list],
 * kwargs }` where a tensor is `{ class_name: "__keras_tensor__", config: { keras_history: [...] } }`.
 */
function inboundCall(
  callNode: Node,
  where: string,
  path: string,
): { inputs: TensorRef[]; training?: boolean } {
  if (callNode.type === 'array') {
    const inputs = (callNode.children ?? []).map((n) => tensorRef(n, path));
    const kwargs = (callNode.children ?? []).map((n) => n.children?.[3]).find((n) => n?.type === 'object');
    return withTraining(inputs, propertyNode(kwargs, 'training')?.value);
  }
  if (callNode.type !== 'object')
    fail(`${where} must be a list of inputs or an { args, kwargs } object`, callNode);
  const inputs: TensorRef[] = [];
  const visit = (n: Node): void => {
    if (n.type === 'array') (n.children ?? []).forEach(visit);
    const history = propertyNode(propertyNode(n, 'config'), 'keras_history');
    if (propertyNode(n, 'class_name')?.value === '__keras_tensor__' && history)
      inputs.push(tensorRef(history, path));
  };
  visit(propertyNode(callNode, 'args') ?? callNode);
  return withTraining(inputs, propertyNode(propertyNode(callNode, 'kwargs'), 'training')?.value);
}

function withTraining(inputs: TensorRef[], training: unknown) {
  return typeof training === 'boolean' ? { inputs, training } : { inputs };
}

function tensorRef(n: Node, path: string): TensorRef {
  const [layer, node, tensor] = (n.type === 'array' ? (n.children ?? []) : []).map((c) => c.value);
  if (typeof layer !== 'string' || typeof node !== 'number' || typeof (tensor ?? 0) !== 'number')
    fail(`${path}: a tensor reference must be [layerName, nodeIndex, tensorIndex]`, n);
  return { layer, node, tensor: typeof tensor === 'number' ? tensor : 0, at: n };
}

/** Orders the calls so producers come first, then maps each to an IR layer. */
function buildLayers(
  calls: Call[],
  aliases: ReadonlyMap<string, string>,
  path: string,
): { layers: Layer[]; byCall: Map<string, Layer> } {
  const pending = new Map(calls.map((c) => [c.id, c]));
  for (const [alias, id] of aliases) {
    const target = pending.get(id);
    if (target) pending.set(alias, target);
  }
  const byCall = new Map<string, Layer>();
  const layers: Layer[] = [];
  const visiting = new Set<string>();
  const visit = (call: Call): Layer => {
    const done = byCall.get(call.id);
    if (done) return done;
    if (visiting.has(call.id)) fail(`${path}: layer "${call.name}" depends on itself`, call.layerNode);
    visiting.add(call.id);
    const producers = call.inputs.map((ref) => {
      const producer = pending.get(callId(ref.layer, ref.node));
      if (!producer)
        fail(
          `${path}: layer "${call.name}" reads "${ref.layer}" (call ${ref.node}), which is not in the model`,
          ref.at,
        );
      return { layer: visit(producer), tensor: ref.tensor };
    });
    const layer = toLayer(call, producers, path);
    byCall.set(call.id, layer);
    layers.push(layer);
    return layer;
  };
  calls.forEach(visit);
  for (const [alias, id] of aliases) {
    const layer = byCall.get(id);
    if (layer) byCall.set(alias, layer);
  }
  return { layers, byCall };
}

function toLayer(call: Call, producers: { layer: Layer; tensor: number }[], path: string): Layer {
  const all = properties(call.config);
  const keep = (key: string) => call.only === undefined || call.only.includes(key);
  const values = Object.fromEntries(Object.entries(all.values).filter(([k]) => keep(k)));
  // A wrapper's findings on its layer's properties (an RNN's recurrent_dropout) point into that layer.
  const wrapped = WRAPPERS.has(call.className)
    ? properties(propertyNode(propertyNode(call.config, 'layer'), 'config')).ranges
    : {};
  const ranges = { ...wrapped, ...Object.fromEntries(Object.entries(all.ranges).filter(([k]) => keep(k))) };
  // A layer's extra outputs (an RNN's return_state) have shapes this reader does not track.
  const shapes = producers.map((p): Shape | undefined => (p.tensor === 0 ? p.layer.outputShape : undefined));
  const read = WRAPPERS.has(call.className) ? kerasWrapper : kerasLayer;
  const info = read(call.className, values, shapes, (message, key) =>
    fail(
      `${path}: layer "${call.name}" (${call.className}): ${message}`,
      (key && propertyNode(call.config, key)) || call.config || call.layerNode,
    ),
  );
  const layer: Layer = {
    id: call.id,
    name: call.name,
    op: info.op,
    originalOp: call.className,
    inputs: producers.map((p) => p.layer.id),
    attributes: values,
    params: call.firstCall ? info.params : 0,
    ...(call.firstCall && info.frozenParams ? { frozenParams: info.frozenParams } : {}),
    source: call.only ? { properties: ranges } : { range: rangeOf(call.layerNode), properties: ranges },
  };
  if (info.activation) layer.activation = info.activation;
  if (info.outputShape) layer.outputShape = info.outputShape;
  if (info.dropout)
    layer.dropout = call.training === true ? { ...info.dropout, mode: 'always' } : info.dropout;
  if (info.innerDropout?.length) layer.innerDropout = info.innerDropout;
  return layer;
}
