// The weight tensors of one layer, from wherever its format keeps them: ONNX initializers (read lazily by
// the ONNX reader), TensorFlow.js shards named in the manifest, or the `.nn.json` weights sidecar. Each
// file's tensors are loaded once per graph and summarised, never handed on raw.
import { loadOnnxTensor } from '../formats/onnx/reader';
import type { ModelSource } from '../formats/reader';
import { layersWeights } from '../formats/keras/weights';
import { loadTfjsWeights } from '../formats/tfjs/weights';
import type { Graph, Layer } from '../model/ir';
import { weightStats, type WeightStats } from '../model/weight-stats';
import { buildFromGraph } from './build';
import { Network } from './network';
import { readWeights } from './weights-file';

type Named = Map<string, { shape: number[]; values: ArrayLike<number> }>;

const LOADED = new WeakMap<Graph, Promise<Named>>();

/** Statistics of each weight tensor of `layer` (none for a layer without weights or a file without any). */
export async function layerWeightStats(
  graph: Graph,
  layer: Layer,
  source: ModelSource,
): Promise<WeightStats[]> {
  if (graph.format === 'onnx') {
    const names = (layer.attributes.initializers ?? []) as string[];
    const tensors = await Promise.all(names.map((name) => loadOnnxTensor(graph, name)));
    return tensors.map((t) => weightStats(t.name, t.dims, t.data as ArrayLike<number>));
  }
  let loaded = LOADED.get(graph);
  if (!loaded) {
    loaded = loadAll(graph, source);
    LOADED.set(graph, loaded);
  }
  const named = await loaded;
  const own = ownNames(graph, layer);
  return [...named].filter(([name]) => own(name)).map(([name, t]) => weightStats(name, t.shape, t.values));
}

async function loadAll(graph: Graph, source: ModelSource): Promise<Named> {
  if (graph.format === 'nn-json') return nnjsonWeights(graph, source);
  const weights = layersWeights(graph, source);
  if (weights.manifest.length === 0) return new Map();
  const loaded = await loadTfjsWeights(weights.manifest, weights.source, graph.format);
  return new Map([...loaded].map(([name, w]) => [name, { shape: w.shape, values: w.values }]));
}

/** The sidecar holds every parameter layer by layer; the engine's network says which values are whose. */
async function nnjsonWeights(graph: Graph, source: ModelSource): Promise<Named> {
  const read = await readWeights(graph, source);
  if (!read) return new Map();
  const data = read.data;
  if (data.kind === 'named') {
    return new Map(
      Object.entries(data.weights).map(([name, v]) => [
        name,
        { shape: data.shapes?.[name] ?? [v.length], values: v },
      ]),
    );
  }
  const built = buildFromGraph(graph);
  const net = new Network(built.inputShape, built.specs);
  net.importFlat(data.values);
  return new Map(net.tensors().map((t) => [t.name, { shape: t.shape, values: t.value }]));
}

/**
 * Which tensor names belong to the layer: Keras names weights "<layer>/kernel", the engine
 * "<layer>.weight"; a graph model's weights are the Const nodes the layer reads (or the Const itself).
 */
function ownNames(graph: Graph, layer: Layer): (name: string) => boolean {
  const constants = new Set(
    graph.layers.filter((l) => l.op === 'constant' && layer.inputs.includes(l.id)).map((l) => l.name),
  );
  return (name) =>
    name === layer.name ||
    name.startsWith(`${layer.name}/`) ||
    name.startsWith(`${layer.name}.`) ||
    constants.has(name);
}
