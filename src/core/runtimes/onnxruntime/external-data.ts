// Initializers whose bytes live in external files beside the model (ONNX external data), read through
// the ModelSource (which refuses paths leaving the model's folder) and inlined, so onnxruntime gets one
// self-contained buffer. One buffer is one protobuf message, and protobuf messages stop at 2 GB.
import type { onnx } from 'onnx-proto';
import { EngineError } from '../../engine/engine-error';
import type { ModelSource } from '../../formats/reader';
import { isExternal } from '../../formats/onnx/tensors';

/** protobuf's limit on one serialized message (2^31 − 1 bytes). */
export const MAX_MODEL_BYTES = 2 ** 31 - 1;

const fields = (tensor: onnx.ITensorProto) =>
  new Map((tensor.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));

/** Every initializer of the model's graph that keeps its bytes in an external file. */
function externalTensors(model: onnx.IModelProto): onnx.ITensorProto[] {
  return (model.graph?.initializer ?? []).filter(isExternal);
}

/**
 * Reads every external initializer of `model` into its raw_data, checking first that every file is
 * there and that the whole model stays under protobuf's 2 GB. Throws an EngineError naming the file.
 */
export async function inlineExternalData(model: onnx.IModelProto, source: ModelSource): Promise<void> {
  const tensors = externalTensors(model);
  if (tensors.length === 0) {
    guardSize(source, source.bytes.length);
    return;
  }
  const { readSibling, siblingSize } = source;
  if (!readSibling || !siblingSize)
    throw new EngineError(`${source.path}: its weights are in external files, which cannot be read here`);
  const locations = [...new Set(tensors.map((t) => fields(t).get('location') ?? ''))];
  let total = source.bytes.length;
  for (const location of locations) {
    try {
      total += await siblingSize(location);
    } catch (e) {
      throw new EngineError(
        `${source.path}: its external data file "${location}" cannot be read (${(e as Error).message}); ` +
          'keep the weight files beside the model',
      );
    }
  }
  guardSize(source, total);
  const files = new Map<string, Uint8Array>();
  for (const location of locations) files.set(location, await readSibling(location));
  for (const tensor of tensors) {
    const entries = fields(tensor);
    const location = entries.get('location') ?? '';
    const bytes = files.get(location) as Uint8Array;
    const offset = Number(entries.get('offset') ?? 0);
    const length = entries.has('length') ? Number(entries.get('length')) : bytes.length - offset;
    if (!(offset >= 0 && length >= 0 && offset + length <= bytes.length))
      throw new EngineError(
        `${source.path}: tensor "${tensor.name}": external data "${location}" bytes ` +
          `${offset}..${offset + length} lie outside its ${bytes.length} bytes`,
      );
    tensor.rawData = bytes.subarray(offset, offset + length);
    tensor.dataLocation = 0;
    tensor.externalData = [];
  }
}

function guardSize(source: ModelSource, bytes: number): void {
  if (bytes > MAX_MODEL_BYTES)
    throw new EngineError(
      `${source.path}: the model with its weights is ${(bytes / 2 ** 30).toFixed(2)} GB; onnxruntime is ` +
        'given the model as one protobuf message, which cannot exceed 2 GB',
    );
}
