// Reader for Keras 2 `.h5` files (keras/engine/saving.py in Keras 2.2.4, the same layout as tf.keras 2.x's
// hdf5_format.py): an HDF5 file whose root attribute `model_config` is the model's config in the
// `class_name` / `config` dialect, with `keras_version` and `training_config` beside it.
import type { Graph } from '../../model/ir';
import { ModelFormatError, type ModelReader, type ModelSource } from '../reader';
import { Hdf5File } from './hdf5';
import { parseKerasConfig } from './keras-config';
import { kerasGraph } from './keras-graph';

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
/** The root group's attributes sit near the start of the file; a weights-only .h5 has no model_config. */
const SNIFF_BYTES = 1 << 20;
const MODEL_CONFIG = new TextEncoder().encode('model_config');

export const h5Reader: ModelReader = {
  format: 'keras-h5',
  match: (source: ModelSource) =>
    HDF5_SIGNATURE.every((b, i) => source.bytes[i] === b) &&
    contains(source.bytes.subarray(0, SNIFF_BYTES), MODEL_CONFIG),
  open: (source: ModelSource) => readKerasH5(source.bytes, source.path),
};

export function readKerasH5(bytes: Uint8Array, path: string): Graph {
  const file = new Hdf5File(bytes, path, 'keras-h5');
  const config = file.text('/', 'model_config');
  if (config === undefined)
    throw new ModelFormatError(
      'keras-h5',
      `${path}: the HDF5 file has no readable "model_config" attribute (a weights-only file, or attributes in dense storage)`,
      { node: '/' },
    );
  const modelConfig = parseKerasConfig(config, 'keras-h5', `${path}: attribute "model_config"`);
  const version = file.text('/', 'keras_version');
  const training = file.text('/', 'training_config');
  return kerasGraph('keras-h5', path, {
    modelConfig,
    ...(version ? { kerasVersion: version } : {}),
    ...(training ? { trainingConfig: safeJson(training) } : {}),
  });
}

function contains(bytes: Uint8Array, word: Uint8Array): boolean {
  const first = word[0];
  for (
    let i = bytes.indexOf(first as number);
    i >= 0 && i + word.length <= bytes.length;
    i = bytes.indexOf(first as number, i + 1)
  )
    if (word.every((b, k) => bytes[i + k] === b)) return true;
  return false;
}

/** The training config only informs messages: a damaged one is left out rather than refusing the model. */
function safeJson(text: string) {
  try {
    return JSON.parse(text) as ReturnType<typeof parseKerasConfig>;
  } catch {
    return undefined;
  }
}
