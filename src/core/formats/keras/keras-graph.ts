// A Keras model config (either dialect) as an IR graph, through the TensorFlow.js layers reader: the
// config becomes the text of a layers model.json, which that reader parses. Its ranges point into that
// text, not into the user's binary file, so layers are located by name, as ONNX nodes are.
import type { Graph, ModelFormat } from '../../model/ir';
import { ModelFormatError } from '../reader';
import { readTfjsLayers } from '../tfjs/layers-reader';
import { layersModelJson, toKeras2, type Json } from './keras-config';

export interface KerasModelParts {
  modelConfig: Json;
  kerasVersion?: string;
  trainingConfig?: Json;
}

export function kerasGraph(format: ModelFormat, path: string, parts: KerasModelParts): Graph {
  let config: Json;
  try {
    config = toKeras2(parts.modelConfig);
  } catch (e) {
    // JSON.parse takes nesting deeper than a recursive walk can follow; no Keras config is that deep.
    if (e instanceof RangeError)
      throw new ModelFormatError(format, `${path}: the model config is nested too deeply`);
    throw e;
  }
  const modelJson = layersModelJson(config, {
    ...(parts.kerasVersion === undefined ? {} : { kerasVersion: parts.kerasVersion }),
    ...(parts.trainingConfig === undefined ? {} : { trainingConfig: parts.trainingConfig }),
  });
  let graph: Graph;
  try {
    graph = readTfjsLayers(modelJson, path);
  } catch (e) {
    if (e instanceof ModelFormatError) throw new ModelFormatError(format, e.message);
    throw e;
  }
  for (const layer of graph.layers) layer.source = { nodeName: layer.name };
  return { ...graph, format, meta: { ...graph.meta, generatedBy: undefined, modelJson } };
}
