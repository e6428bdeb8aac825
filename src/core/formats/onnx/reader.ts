// Reader for ONNX model files (protobuf ModelProto, decoded by onnx-proto). Nodes become layers with
// normalised ops; graph inputs that are not initializers become 'input' layers; initializers and
// Constant nodes are tracked as constants (for weights, parameter counts, Dropout ratios and Reshape
// shapes) but their bytes are never copied: raw_data stays a view into the file buffer, and external
// data is read only through `loadOnnxTensor`.
import { onnx } from 'onnx-proto';
import type { Graph } from '../../model/ir';
import { mcMarkFromMetadata } from '../../model/mc-marker';
import { GraphBuilder } from './builder';
import { OnnxWeights, type LoadedTensor } from './tensors';
import { topologicalOrder } from './values';
import { ModelFormatError, type ModelReader, type ModelSource } from '../reader';

export const onnxReader: ModelReader = {
  format: 'onnx',
  match(source: ModelSource): boolean {
    return source.path.toLowerCase().endsWith('.onnx') || looksLikeModelProto(source.bytes);
  },
  open(source: ModelSource): Graph {
    return readOnnx(source);
  },
};

/**
 * A ModelProto starts with field 1 (ir_version, a small varint: bytes 08 nn) followed by the tag of
 * another ModelProto field: producer_name/version, domain, model_version, doc_string, graph, opset_import.
 */
function looksLikeModelProto(bytes: Uint8Array): boolean {
  if (bytes.length < 4 || bytes[0] !== 0x08) return false;
  const version = bytes[1] as number;
  const tag = bytes[2] as number;
  return version >= 1 && version <= 20 && [0x12, 0x1a, 0x22, 0x28, 0x32, 0x3a, 0x42].includes(tag);
}

const WEIGHTS = new WeakMap<Graph, OnnxWeights>();

/** Loads one initializer or Constant tensor of a graph this reader opened (external data read lazily). */
export function loadOnnxTensor(graph: Graph, name: string): Promise<LoadedTensor> {
  const weights = WEIGHTS.get(graph);
  if (!weights) throw new ModelFormatError('onnx', `graph "${graph.name}" was not opened by the ONNX reader`);
  return weights.load(name);
}

/** Decodes protobuf bytes; protobufjs's errors name the byte offset ("… at offset N", "index out of range: N + …"). */
export function decodeModelProto(bytes: Uint8Array, path: string): onnx.ModelProto {
  try {
    return onnx.ModelProto.decode(bytes);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const at = /offset (\d+)|range: (\d+)/.exec(message);
    const byteOffset = at ? Number(at[1] ?? at[2]) : bytes.length;
    throw new ModelFormatError(
      'onnx',
      `${path}: not a valid ONNX file (protobuf: ${message}) near byte ${byteOffset}`,
      { byteOffset },
    );
  }
}

export function readOnnx(source: ModelSource): Graph {
  const model = decodeModelProto(source.bytes, source.path);
  if (!model.graph) {
    throw new ModelFormatError('onnx', `${source.path}: not an ONNX model (no graph)`, { byteOffset: 0 });
  }
  let builder = new GraphBuilder(model, model.graph, source.path);
  let graph = builder.build();
  if (builder.readsLaterOutputs) {
    // The spec asks for topologically sorted nodes; some writers don't. Sort and build again.
    builder = new GraphBuilder(model, model.graph, source.path);
    graph = builder.build(topologicalOrder(model.graph.node ?? [], source.path));
  }
  Object.assign(graph.meta, mcMarkFromMetadata(graph.meta.metadata, 'metadata_props'));
  const names = (model.graph.initializer ?? []).map((t) => t.name ?? '');
  const found = builder;
  WEIGHTS.set(graph, new OnnxWeights(source, (name) => found.constant(name)?.tensor, names));
  return graph;
}
