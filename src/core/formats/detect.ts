// Picks the reader for a file. Overlaps between readers (a model.json that is a tfjs layers model or a
// graph model) are settled inside the readers' match functions, in the order listed here.
import type { Graph } from '../model/ir';
import { h5Reader } from './keras/h5-reader';
import { kerasReader } from './keras/keras-reader';
import { nnJsonReader } from './nnjson/reader';
import { onnxReader } from './onnx/reader';
import { ModelFormatError, type ModelReader, type ModelSource } from './reader';
import { tfjsGraphReader } from './tfjs/graph-reader';
import { tfjsLayersReader } from './tfjs/layers-reader';

export const READERS: readonly ModelReader[] = [
  nnJsonReader,
  onnxReader,
  kerasReader,
  h5Reader,
  tfjsLayersReader,
  tfjsGraphReader,
];

export function findReader(source: ModelSource): ModelReader | undefined {
  return READERS.find((r) => r.match(source));
}

/** Opens any supported model file; throws ModelFormatError when no reader accepts it. */
export function openModel(source: ModelSource): Graph {
  const reader = findReader(source);
  if (!reader) {
    throw new ModelFormatError(
      'unknown',
      `${source.path}: not a model file Dropout Lens can read (ONNX, TensorFlow.js model.json, Keras .keras or .h5, or .nn.json)`,
    );
  }
  return reader.open(source);
}
