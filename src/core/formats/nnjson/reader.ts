// Reader for Dropout Lens's own format, `*.nn.json`: a readable network + training spec. The file is
// checked against media/nn.schema.json (the schema the editor uses), then built layer by layer; every
// layer and property keeps its exact source range so findings and quick fixes land on the value itself.
import { modelNameFromPath } from '../model-file-name';
import type { Graph, Layer } from '../../model/ir';
import { JsonErrors, parseJsonTree, plainValue, propertyNode } from '../json-text';
import { readLayer, type LayerInput } from './layers';
import { schemaError } from './validate';
import { decodeText, sourceText, type ModelReader, type ModelSource } from '../reader';

export const NN_JSON_FORMAT_ID = 'dropout-lens/nn';

export const nnJsonReader: ModelReader = {
  format: 'nn-json',
  match(source: ModelSource): boolean {
    if (source.path.endsWith('.nn.json')) return true;
    const head = source.text?.slice(0, 512) ?? decodeText(source.bytes.subarray(0, 512));
    return head.includes(`"${NN_JSON_FORMAT_ID}"`);
  },
  open(source: ModelSource): Graph {
    return readNnJson(sourceText(source), source.path);
  },
};

/**
 * Parses .nn.json text into the IR. `path` is only used in messages. `meta.training` holds the
 * training block and `meta.weights` the sidecar path, both as written (model/training-spec.ts reads
 * the training block with the schema's defaults).
 */
export function readNnJson(text: string, path = 'model.nn.json'): Graph {
  const errors = new JsonErrors('nn-json', text, path);
  const root = parseJsonTree(text, errors);
  const value = plainValue(root) as Record<string, unknown>;
  const problem = schemaError(value, root, errors);
  if (problem) throw problem;

  const sample = value.input as { shape: number[] };
  const inputLayer: Layer = {
    id: 'input',
    name: 'input',
    op: 'input',
    originalOp: 'input',
    inputs: [],
    attributes: {},
    outputShape: [null, ...sample.shape],
    params: 0,
    source: {},
  };
  const layers: Layer[] = [inputLayer];
  let previous: LayerInput = { id: 'input', name: 'the input', features: sample.shape };
  const values = value.layers as unknown[];
  (propertyNode(root, 'layers')?.children ?? []).forEach((node, index) => {
    const { layer, features } = readLayer(values[index], node, index, previous, errors);
    layers.push(layer);
    previous = { id: layer.id, name: layer.name, features };
  });
  const last = layers[layers.length - 1] as Layer;
  return {
    format: 'nn-json',
    name: typeof value.name === 'string' ? value.name : modelNameFromPath(path),
    inputs: [{ name: 'input', shape: inputLayer.outputShape, dtype: 'float32', layerId: 'input' }],
    outputs: [{ name: 'output', shape: last.outputShape, dtype: 'float32', layerId: last.id }],
    layers,
    meta: {
      version: value.version,
      training: value.training,
      weights: value.weights,
    },
  };
}
