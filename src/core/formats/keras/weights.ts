// Keras weights from HDF5, presented as a TensorFlow.js layers model presents them: a weightsManifest
// naming each tensor "<layer>/<weight>" and one shard holding them back to back. The tfjs weight loader,
// the model view's statistics, the own engine and TensorFlow.js itself then read Keras files as they read
// model.json files. Only the paths the config names are visited:
// - Keras 2 `.h5` (keras/engine/saving.py): `model_weights/<layer>/<name>` for each of the layer's
//   `weight_names` ("dense_1/kernel:0"); a nested model's group holds its layers' weights.
// - Keras 3 `model.weights.h5` (keras/src/saving/saving_lib.py `_save_state`): `layers/<key>/vars/<i>`,
//   the key found by the `name` attribute of its `vars` group (written since Keras 3.6); an RNN's in
//   `cell/vars`, a Bidirectional's under `forward_layer` / `backward_layer`, a TimeDistributed's under
//   `layer`, a nested model's under `layers/<key>/layers/…`.
import type { Graph } from '../../model/ir';
import { ModelFormatError, type ModelSource } from '../reader';
import type { WeightsGroup, WeightSpec } from '../tfjs/weights';
import { readKerasEntries, WEIGHTS_ENTRY } from './archive';
import { Hdf5File, type Hdf5Tensor } from './hdf5';
import type { Json } from './keras-config';

/** The shard's name in the manifest; only the derived source below serves it. */
const SHARD = 'keras-weights.bin';
const NOWHERE = { offset: 0, length: 0 };
const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);
const RNN_CLASSES = new Set(['LSTM', 'GRU', 'SimpleRNN']);

/** Keras's variable order per class (each layer's build()); a class not listed names them by index. */
function variableNames(className: string, config: Record<string, unknown>): string[] {
  const bias = config.use_bias === false ? [] : ['bias'];
  if (RNN_CLASSES.has(className)) return ['kernel', 'recurrent_kernel', ...bias];
  if (className === 'Embedding') return ['embeddings'];
  if (className === 'DepthwiseConv2D') return ['depthwise_kernel', ...bias];
  if (className === 'SeparableConv2D') return ['depthwise_kernel', 'pointwise_kernel', ...bias];
  if (className === 'BatchNormalization' || className === 'LayerNormalization') {
    const affine = [
      ...(config.scale === false ? [] : ['gamma']),
      ...(config.center === false ? [] : ['beta']),
    ];
    return className === 'BatchNormalization' ? [...affine, 'moving_mean', 'moving_variance'] : affine;
  }
  return ['kernel', ...bias];
}

interface Named {
  /** The IR's name: a nested model's layers are "<model>/<layer>". */
  name: string;
  /** TensorFlow.js's name, which scopes a weight by its own layer only. */
  tfjsName: string;
  tensor: Hdf5Tensor;
}

interface KerasLayerConfig {
  class_name: string;
  config: Record<string, unknown> & { name?: string; layers?: KerasLayerConfig[] };
}

/** The weights as a manifest plus a source serving its one shard, as a tfjs layers model has them. */
export interface LayersWeights {
  manifest: WeightsGroup[];
  source: ModelSource;
}

const CACHE = new WeakMap<Graph, LayersWeights>();

/**
 * A layers model's weights: a tfjs model.json's own manifest and shards, or a Keras file's weights read
 * from its HDF5 (once per graph).
 */
export function layersWeights(graph: Graph, source: ModelSource): LayersWeights {
  if (graph.format !== 'keras' && graph.format !== 'keras-h5')
    return { manifest: (graph.meta.weightsManifest ?? []) as WeightsGroup[], source };
  let found = CACHE.get(graph);
  if (!found) {
    found = kerasWeights(graph, source);
    CACHE.set(graph, found);
  }
  return found;
}

function kerasWeights(graph: Graph, source: ModelSource): LayersWeights {
  const format = graph.format;
  const modelJson = JSON.parse(String(graph.meta.modelJson)) as {
    modelTopology: { model_config: KerasLayerConfig };
    weightsManifest: Json;
  };
  const model = modelJson.modelTopology.model_config;
  const named: Named[] = [];
  if (format === 'keras-h5') {
    keras2Weights(new Hdf5File(source.bytes, source.path, format), model, named);
  } else {
    const entry = readKerasEntries(source.bytes, source.path, [WEIGHTS_ENTRY]).get(WEIGHTS_ENTRY);
    if (!entry)
      throw new ModelFormatError(format, `${source.path}: the .keras zip has no ${WEIGHTS_ENTRY}`, {
        node: WEIGHTS_ENTRY,
      });
    keras3Weights(new Hdf5File(entry, `${source.path}: ${WEIGHTS_ENTRY}`, format), model, '', '', named);
  }
  const weights: WeightSpec[] = named.map(({ name, tensor }) => ({
    name,
    shape: tensor.shape,
    dtype: 'float32',
    range: NOWHERE,
  }));
  const shard = new Uint8Array(named.reduce((n, w) => n + w.tensor.values.byteLength, 0));
  let offset = 0;
  for (const { tensor } of named) {
    shard.set(
      new Uint8Array(tensor.values.buffer, tensor.values.byteOffset, tensor.values.byteLength),
      offset,
    );
    offset += tensor.values.byteLength;
  }
  const manifest: WeightsGroup[] = [{ paths: [{ path: SHARD, range: NOWHERE }], weights }];
  modelJson.weightsManifest = [
    {
      paths: [SHARD],
      weights: named.map(({ tfjsName, tensor }) => ({
        name: tfjsName,
        shape: tensor.shape,
        dtype: 'float32',
      })),
    },
  ];
  return {
    manifest,
    source: {
      path: source.path,
      bytes: new TextEncoder().encode(JSON.stringify(modelJson)),
      readSibling: async (path) => {
        if (path !== SHARD) throw new Error(`${source.path}: a Keras file has no file "${path}" beside it`);
        return shard;
      },
    },
  };
}

const configName = (layer: KerasLayerConfig): string => String(layer.config?.name ?? '');

/** Keras 2: `model_weights/<layer>/<weight name>`, layers in `layer_names` order. */
function keras2Weights(file: Hdf5File, model: KerasLayerConfig, out: Named[]): void {
  const root = file.has('/model_weights') ? '/model_weights' : '/';
  const layerNames = file.strings(root, 'layer_names');
  if (!layerNames) file.fail(root, 'has no "layer_names" attribute (attributes in dense storage?)');
  const layers = Array.isArray(model.config)
    ? (model.config as KerasLayerConfig[])
    : (model.config.layers ?? []);
  const nested = new Set(layers.filter((l) => MODEL_CLASSES.has(l.class_name)).map(configName));
  for (const layer of layerNames) {
    const group = `${root === '/' ? '' : root}/${layer}`;
    const names = file.strings(group, 'weight_names');
    if (!names) file.fail(group, 'has no "weight_names" attribute');
    for (const weight of names) {
      const tensor = file.read(`${group}/${weight}`);
      // tfjs names drop TensorFlow's ":0"; a nested model's layers are named "<model>/<layer>" in the IR.
      const name = weight.replace(/:\d+$/, '');
      out.push({ name: nested.has(layer) ? `${layer}/${name}` : name, tfjsName: name, tensor });
    }
  }
}

/** Keras 3: the layers of a model (`at` is its group, "" for the root), matched by name to their groups. */
function keras3Weights(
  file: Hdf5File,
  model: KerasLayerConfig,
  at: string,
  prefix: string,
  out: Named[],
): void {
  const layersGroup = `${at}layers`;
  const keys = file.group(layersGroup) ? file.keys(layersGroup) : [];
  const byName = new Map<string, string>();
  for (const key of keys) {
    const name = file.text(`${layersGroup}/${key}/vars`, 'name');
    if (name !== undefined) byName.set(name, `${layersGroup}/${key}`);
  }
  for (const layer of model.config.layers ?? []) {
    const name = configName(layer);
    const path = byName.get(name);
    if (path === undefined) {
      if (layer.class_name === 'InputLayer') continue;
      if (keys.length > 0 && byName.size === 0)
        file.fail(layersGroup, 'its layers have no "name" attribute (a file written before Keras 3.6)');
      continue;
    }
    if (MODEL_CLASSES.has(layer.class_name)) keras3Weights(file, layer, `${path}/`, `${prefix}${name}/`, out);
    else layerVariables(file, layer, path, prefix, name, out);
  }
}

function layerVariables(
  file: Hdf5File,
  layer: KerasLayerConfig,
  path: string,
  prefix: string,
  name: string,
  out: Named[],
): void {
  const inner = layer.config.layer as KerasLayerConfig | undefined;
  if (layer.class_name === 'TimeDistributed' && inner)
    return layerVariables(file, inner, `${path}/layer`, prefix, name, out);
  if (layer.class_name === 'Bidirectional' && inner) {
    // TensorFlow.js names the two copies "forward_<layer>" and "backward_<layer>" inside the wrapper.
    const backward = (layer.config.backward_layer as KerasLayerConfig | undefined) ?? inner;
    const copy = (side: string) => `${name}/${side}_${configName(inner)}`;
    layerVariables(file, inner, `${path}/forward_layer`, prefix, copy('forward'), out);
    layerVariables(file, backward, `${path}/backward_layer`, prefix, copy('backward'), out);
    return;
  }
  const vars = RNN_CLASSES.has(layer.class_name) ? `${path}/cell/vars` : `${path}/vars`;
  if (!file.group(vars)) return;
  const labels = variableNames(layer.class_name, layer.config);
  const count = file.keys(vars).filter((k) => /^\d+$/.test(k)).length;
  for (let i = 0; i < count; i++) {
    const local = `${name}/${labels[i] ?? String(i)}`;
    out.push({ name: `${prefix}${local}`, tfjsName: local, tensor: file.read(`${vars}/${i}`) });
  }
}
