// The Keras model config of a `.keras` or `.h5` file, brought to the form the TensorFlow.js layers reader
// reads (a tfjs layers model.json holds the same Keras config), so one Keras-config path serves tfjs,
// `.keras` and `.h5`. Keras 3 (`serialize_keras_object`, keras/src/saving/serialization_lib.py) writes
// every object as `{ module, class_name, config, registered_name }` (plus `build_config` on layers that
// build, `compile_config` on compiled models) and dtype policies as objects; Keras 2 writes
// `{ class_name, config }` and dtype strings. Inbound nodes of both dialects are read by the tfjs reader.
import type { ModelFormat } from '../../model/ir';
import { ModelFormatError } from '../reader';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Keys of Keras 3's envelope that the Keras 2 form has not. */
const KERAS3_ONLY = new Set(['module', 'registered_name', 'build_config', 'compile_config']);

/** Keras 3 spells these initializers "Lecun…"; Keras 2's serialized names (and tfjs's) are "LeCun…". */
const CLASS_RENAMES: Record<string, string> = { LecunNormal: 'LeCunNormal', LecunUniform: 'LeCunUniform' };

type JsonObject = { [key: string]: Json };
const isObject = (v: Json | undefined): v is JsonObject =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * A Keras 3 inbound node, `{ args: [tensors…], kwargs }` with `__keras_tensor__` arguments, as Keras 2's
 * list of `[layer, node, tensor, kwargs]`.
 */
function inboundNode(node: Json): Json {
  if (!isObject(node) || !('args' in node)) return node;
  const refs: Json[] = [];
  const kwargs = isObject(node.kwargs) ? node.kwargs : {};
  const visit = (v: Json): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (isObject(v) && v.class_name === '__keras_tensor__' && isObject(v.config)) {
      const history = v.config.keras_history;
      if (Array.isArray(history)) refs.push([...history.slice(0, 3), kwargs]);
    }
  };
  visit(node.args ?? []);
  return refs;
}

/** Keras 3 writes a model's single input or output as the `[layer, node, tensor]` itself. */
const endpoints = (v: Json): Json => (Array.isArray(v) && typeof v[0] === 'string' ? [v] : v);

/** Keras 3 dialect → Keras 2 form; a Keras 2 config passes through unchanged. */
export function toKeras2(value: Json): Json {
  if (Array.isArray(value)) return value.map(toKeras2);
  if (value === null || typeof value !== 'object') return value;
  // A dtype policy object ({ class_name: "DTypePolicy", config: { name: "float32" } }) is the dtype's name.
  if (value.class_name === 'DTypePolicy' || value.class_name === 'FloatDTypePolicy') {
    const name = (value.config as { name?: Json } | null)?.name;
    if (typeof name === 'string') return name;
  }
  const out: { [key: string]: Json } = {};
  for (const [key, v] of Object.entries(value)) {
    if (KERAS3_ONLY.has(key) && 'class_name' in value) continue;
    if (key === 'inbound_nodes' && Array.isArray(v)) out[key] = v.map(inboundNode);
    else if ((key === 'input_layers' || key === 'output_layers') && 'layers' in value)
      out[key] = endpoints(v);
    else out[key] = toKeras2(v);
  }
  if (typeof value.class_name === 'string' && value.class_name in CLASS_RENAMES)
    out.class_name = CLASS_RENAMES[value.class_name] as string;
  // A custom object keeps the name it was registered under ("package>Class") among its layer's attributes.
  const config = out.config;
  if (typeof value.registered_name === 'string' && value.registered_name !== value.class_name)
    if (config !== null && typeof config === 'object' && !Array.isArray(config))
      out.config = { ...config, registered_name: value.registered_name };
  // Keras 3's InputLayer says `batch_shape` where Keras 2 and TensorFlow.js say `batch_input_shape`.
  if (
    value.class_name === 'InputLayer' &&
    config !== null &&
    typeof config === 'object' &&
    !Array.isArray(config)
  ) {
    const { batch_shape, ...rest } = config;
    if (batch_shape !== undefined) out.config = { batch_input_shape: batch_shape, ...rest };
  }
  return out;
}

/** Parses a config's JSON text; the error names the file and the entry or attribute it came from. */
export function parseKerasConfig(text: string, format: ModelFormat, where: string): { [key: string]: Json } {
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch (e) {
    throw new ModelFormatError(format, `${where} is not valid JSON (${(e as Error).message})`);
  }
  if (
    value === null ||
    typeof value !== 'object' ||
    Array.isArray(value) ||
    typeof value.class_name !== 'string'
  )
    throw new ModelFormatError(format, `${where} is not a Keras model config (an object with "class_name")`);
  return value;
}

/**
 * The text of a tfjs layers `model.json` holding the config (Keras 2 form) and the weights' names and
 * shapes: what the tfjs reader parses, the tfjs weight loader maps and TensorFlow.js itself loads.
 */
export function layersModelJson(
  modelConfig: Json,
  extras: { kerasVersion?: string; trainingConfig?: Json; weightsManifest?: Json } = {},
): string {
  return JSON.stringify({
    format: 'layers-model',
    generatedBy: extras.kerasVersion === undefined ? undefined : `keras v${extras.kerasVersion}`,
    modelTopology: {
      keras_version: extras.kerasVersion,
      model_config: modelConfig,
      training_config: extras.trainingConfig,
    },
    weightsManifest: extras.weightsManifest ?? [],
  });
}

export type { Json };
