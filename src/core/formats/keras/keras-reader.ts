// Reader for Keras 3 `.keras` files: a zip (keras/src/saving/saving_lib.py) whose `config.json` is the
// model's config in the `module` / `registered_name` dialect and whose `metadata.json` names the Keras
// version. Only those two entries are inflated to open the model; the weights stay in the zip.
import type { Graph } from '../../model/ir';
import { type ModelReader, type ModelSource } from '../reader';
import { CONFIG_ENTRY, readKerasConfigText } from './archive';
import { parseKerasConfig } from './keras-config';
import { kerasGraph } from './keras-graph';

const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];

export const kerasReader: ModelReader = {
  format: 'keras',
  match: (source: ModelSource) =>
    /\.keras$/i.test(source.path) && ZIP_SIGNATURE.every((b, i) => source.bytes[i] === b),
  open: (source: ModelSource) => readKeras(source.bytes, source.path),
};

export function readKeras(bytes: Uint8Array, path: string): Graph {
  const { config, metadata } = readKerasConfigText(bytes, path);
  const modelConfig = parseKerasConfig(config, 'keras', `${path}: ${CONFIG_ENTRY}`);
  const version = metadata === undefined ? undefined : kerasVersion(metadata);
  return kerasGraph('keras', path, { modelConfig, ...(version ? { kerasVersion: version } : {}) });
}

/** metadata.json's `keras_version`; a damaged metadata file only loses the version. */
function kerasVersion(metadata: string): string | undefined {
  try {
    const version = (JSON.parse(metadata) as { keras_version?: unknown }).keras_version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}
