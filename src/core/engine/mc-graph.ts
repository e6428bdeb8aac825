// MC dropout of an ONNX or tfjs layers file through the graph executor: every pass runs the whole graph
// with its dropout layers on (batchnorm in inference mode), on the evaluation rows tiled k passes deep,
// so the pass loop, the statistics and the report are the same as for a built network.
import { GraphIndex, isShapeOnly } from '../model/graph-index';
import type { Graph, Layer } from '../model/ir';
import { EngineError } from './layer';
import { MC_CHUNK_ELEMENTS, McNoStochasticLayerError, type McOptions, type McPasses } from './mc';
import { Rng } from './rng';
import { softmaxRows } from './activations';
import type { GraphRunner } from './run-graph';
import { sizeOf, type Tensor } from './tensor';

export const runsAsGraph = (graph: Graph): boolean =>
  graph.format === 'onnx' || graph.format === 'tfjs-layers';

const drops = (layer: Layer) => (layer.dropout?.rate ?? 0) > 0;

/** The feature shape one sample must have (the graph input's shape without the batch axis). */
export function graphInputShape(graph: Graph): number[] {
  if (graph.inputs.length !== 1)
    throw new EngineError(
      `${graph.name}: MC dropout needs a model with one input, this one has ${graph.inputs.length}`,
    );
  const info = graph.inputs[0]!;
  const dims = (info.shape ?? []).slice(1);
  if (dims.length === 0 || !dims.every((d) => typeof d === 'number' && d > 0))
    throw new EngineError(
      `${graph.name}: the input "${info.name}" has no fixed sample shape ([${(info.shape ?? []).join(', ')}])`,
    );
  return dims as number[];
}

function outputName(graph: Graph): string {
  if (graph.outputs.length !== 1)
    throw new EngineError(
      `${graph.name}: MC dropout needs a model with one output, this one has ${graph.outputs.length}`,
    );
  return graph.outputs[0]!.name;
}

/** The output is already probabilities: it comes from a softmax, maybe through Identity/Reshape (our ONNX export). */
function endsInSoftmax(graph: Graph): boolean {
  const index = new GraphIndex(graph);
  const info = graph.outputs[0];
  const out =
    (info?.layerId !== undefined ? index.layer(info.layerId) : undefined) ??
    graph.layers[graph.layers.length - 1];
  if (!out) return false;
  const last = isShapeOnly(out) ? index.previous(out) : [out];
  return last.length === 1 && (last[0]!.op === 'softmax' || last[0]!.activation === 'softmax');
}

/** Runs `x` (n × …) once through the graph; stochastic or not. */
function runOnce(
  runner: GraphRunner,
  x: Tensor,
  stochastic: boolean,
  rngOf?: (l: Layer) => Rng,
  maskRows = 1,
): Tensor {
  const graph = runner.graph;
  const feeds = { [graph.inputs[0]!.name]: x };
  const out = runner.run(feeds, { stochastic, rngOf, maskRows })[outputName(graph)];
  if (!out) throw new EngineError(`${graph.name}: the graph gave no output`);
  return out;
}

/** Softmax probabilities of one pass in inference mode, n × classes. */
export function graphDeterministicProbs(runner: GraphRunner, x: Tensor): Float32Array {
  const out = runOnce(runner, x, false);
  const classes = sizeOf(out.shape.slice(1));
  const probs = Float32Array.from(out.data);
  if (!endsInSoftmax(runner.graph)) softmaxRows(probs, out.data, classes);
  return probs;
}

/** The MC passes of a graph over the rows of `x`; throws McNoStochasticLayerError when nothing is random. */
export function graphMcPasses(runner: GraphRunner, x: Tensor, options: McOptions): McPasses {
  const graph = runner.graph;
  if (!graph.layers.some(drops)) throw new McNoStochasticLayerError();
  const n = x.shape[0] as number;
  const widths = graph.layers.map((l) =>
    (l.outputShape ?? []).slice(1).reduce<number>((a, d) => a * (typeof d === 'number' ? d : 1), 1),
  );
  const widest = Math.max(sizeOf(x.shape.slice(1)), ...widths);
  // Each dropout layer draws from its own stream, so the masks do not depend on the chunk size.
  const rng = new Rng(options.seed);
  const streams = new Map(graph.layers.filter(drops).map((l) => [l.id, rng.fork()]));
  const maskRows = options.masks === 'consistent' ? n : 1;
  const classes = sizeOf(
    runOnce(
      runner,
      { data: x.data.subarray(0, sizeOf(x.shape.slice(1))), shape: [1, ...x.shape.slice(1)] },
      false,
    ).shape.slice(1),
  );
  return {
    base: x,
    classes,
    probabilities: endsInSoftmax(graph),
    rowBudget: Math.max(1, Math.floor((options.maxElements ?? MC_CHUNK_ELEMENTS) / widest)),
    prefixLayers: 0,
    forward: (tiled) => runOnce(runner, tiled, true, (l) => streams.get(l.id) ?? rng, maskRows),
  };
}
