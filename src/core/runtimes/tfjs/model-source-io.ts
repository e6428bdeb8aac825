// A tf.io.IOHandler over a ModelSource: model.json from its bytes, weight shards through readSibling, which
// refuses paths that leave the model's folder. tfjs's own handlers (http, file://) would fetch URLs or read
// any path the manifest names.
import type { io } from '@tensorflow/tfjs-core';
import { EngineError } from '../../engine/engine-error';
import { sourceText, type ModelSource } from '../../formats/reader';
import type { TfjsLibrary } from './load-library';

export function modelSourceHandler(
  lib: TfjsLibrary,
  source: ModelSource,
  modelJson: io.ModelJSON,
): io.IOHandler {
  const readShard = async (path: string): Promise<ArrayBuffer> => {
    if (!source.readSibling)
      throw new EngineError(`${source.path}: the weight shard "${path}" cannot be read from here`);
    let bytes: Uint8Array;
    try {
      bytes = await source.readSibling(path);
    } catch (e) {
      throw new EngineError(
        `${source.path}: the weight shard "${path}" could not be read (${e instanceof Error ? e.message : String(e)})`,
      );
    }
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  };
  return {
    load: () =>
      lib.core.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) for (const path of group.paths) buffers.push(await readShard(path));
        return [lib.core.io.getWeightSpecs(manifest), buffers];
      }),
  };
}

/** model.json parsed, with what tfjs needs checked so a bad file is named instead of failing deep inside. */
export function parseModelJson(source: ModelSource): io.ModelJSON {
  let json: unknown;
  try {
    json = JSON.parse(sourceText(source));
  } catch (e) {
    throw new EngineError(`${source.path}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const model = json as Partial<io.ModelJSON> | null;
  if (!model || typeof model !== 'object' || typeof model.modelTopology !== 'object' || !model.modelTopology)
    throw new EngineError(`${source.path}: a TensorFlow.js model.json needs a "modelTopology" object`);
  return { ...model, weightsManifest: model.weightsManifest ?? [] } as io.ModelJSON;
}
