// MC dropout of an ONNX or tfjs layers file through the graph executor: every pass runs the whole graph
// with its dropout layers on (batchnorm in inference mode), on the evaluation rows tiled k passes deep,
// so the pass loop, the statistics and the report are the same as for a built network.
import { GraphIndex, isShapeOnly } from '../../model/graph-index';
import { isKerasConfig, type Graph, type Layer } from '../../model/ir';
import { EngineError } from '../engine-error';
import {
  MC_CHUNK_ELEMENTS,
  McNoStochasticLayerError,
  type McOptions,
  type McPasses,
  type PassSpan,
} from './mc';
import { Rng } from '../../random/rng';
import { softmaxRows } from '../layers/activations';
import { io, type GraphRunner, type RunOptions } from '../graph/run-graph';
import { sizeOf, type Tensor } from '../tensor';

export const runsAsGraph = (graph: Graph): boolean => graph.format === 'onnx' || isKerasConfig(graph.format);

/** The model file holds its weights (it was trained elsewhere): ONNX, TensorFlow.js and Keras models. */
export const bringsWeights = (graph: Graph): boolean => runsAsGraph(graph) || graph.format === 'tfjs-graph';

const drops = (layer: Layer) => (layer.dropout?.rate ?? 0) > 0;

/**
 * The shape one sample has: the graph input's shape without the batch axis, or the whole input when its
 * first axis is not the batch (wholeInputSample). A free dimension (a sequence of any length, unknown or
 * symbolic) is null, for the data to fill: an .npy/.npz array's shape gives it.
 */
export function graphSamplePattern(graph: Graph): (number | null)[] {
  if (graph.inputs.length !== 1)
    throw new EngineError(
      `${graph.name}: MC dropout needs a model with one input, this one has ${graph.inputs.length}`,
    );
  const info = graph.inputs[0]!;
  const dims = (info.shape ?? [])
    .slice(wholeInputSample(graph) ? 0 : 1)
    .map((d) => (typeof d === 'number' ? d : null));
  if (dims.length === 0 || dims.some((d) => d !== null && d <= 0))
    throw new EngineError(
      `${graph.name}: the input "${info.name}" has no sample shape ([${(info.shape ?? []).join(', ')}])`,
    );
  return dims;
}

/** The feature shape one sample must have (graphSamplePattern with every dimension fixed). */
export function graphInputShape(graph: Graph): number[] {
  const dims = graphSamplePattern(graph);
  const info = graph.inputs[0]!;
  if (!dims.every((d) => d !== null))
    throw new EngineError(
      `${graph.name}: the input "${info.name}" has no fixed sample shape ([${(info.shape ?? []).join(', ')}])`,
    );
  return dims;
}

/**
 * The sample shape for data of sample shape `data`: graphSamplePattern with its free dimensions taken
 * from `data`, whose fixed dimensions must match. A fixed pattern is returned as it is (the data are
 * fitted to it later: an .npy of [784] rows fits [28, 28, 1]); without `data` every dimension must be fixed.
 */
export function dataSampleShape(graph: Graph, data: readonly number[] | undefined): number[] {
  const pattern = graphSamplePattern(graph);
  if (!data || pattern.every((d) => d !== null)) return graphInputShape(graph);
  const info = graph.inputs[0]!;
  if (data.length !== pattern.length || pattern.some((d, i) => d !== null && d !== data[i]))
    throw new EngineError(
      `${graph.name}: the input "${info.name}" takes [${pattern.map((d) => d ?? '?').join(', ')}] per sample, not [${data.join(', ')}]`,
    );
  return [...data];
}

/**
 * Whether one sample is the whole input tensor: its first axis is fixed above 1 while the first output's
 * is fixed at 1, as a sequence-first export gives ([seq, 1] token ids in, [1, classes] out: PyTorch's
 * nn.Transformer* without batch_first). A fixed batch of n gives n outputs, so it is not taken for this.
 */
export function wholeInputSample(graph: Graph): boolean {
  const input = graph.inputs[0]?.shape ?? [];
  const output = graph.outputs[0]?.shape ?? [];
  return typeof input[0] === 'number' && input[0] > 1 && output.length >= 2 && output[0] === 1;
}

function outputName(graph: Graph): string {
  if (graph.outputs.length !== 1)
    throw new EngineError(
      `${graph.name}: MC dropout needs a model with one output, this one has ${graph.outputs.length}`,
    );
  return graph.outputs[0]!.name;
}

/** The output is already probabilities: it comes from a softmax, maybe through Identity/Reshape (our ONNX export). */
/** The activation the graph's first output ends in ("softmax", "sigmoid", …), looking through shape-only ops. */
export function outputActivation(graph: Graph): string | undefined {
  const index = new GraphIndex(graph);
  const info = graph.outputs[0];
  const out =
    (info?.layerId !== undefined ? index.layer(info.layerId) : undefined) ??
    graph.layers[graph.layers.length - 1];
  if (!out) return undefined;
  const last = isShapeOnly(out) ? index.previous(out) : [out];
  if (last.length !== 1) return undefined;
  return last[0]!.op === 'softmax' ? 'softmax' : last[0]!.activation;
}

export const endsInSoftmax = (graph: Graph): boolean => outputActivation(graph) === 'softmax';

/**
 * Ops that treat each row (axis 0) on its own whatever the batch size, so running them once on the n
 * rows and tiling the result equals running them on the tiled rows. Deliberately short: Reshape may fix
 * the batch size, MatMul may mix rows, a Softmax may run over axis 0.
 */
const ROW_WISE = new Set([
  'Gemm',
  'Conv',
  'Relu',
  'LeakyRelu',
  'Sigmoid',
  'Tanh',
  'Elu',
  'Selu',
  'BatchNormalization',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'Identity',
  'InputLayer',
  'Dense',
  'Conv1D',
  'Conv2D',
  'Activation',
  'MaxPooling1D',
  'MaxPooling2D',
  'AveragePooling1D',
  'AveragePooling2D',
  'GlobalAveragePooling1D',
  'GlobalAveragePooling2D',
  'Flatten',
]);

/** A join along any axis but the batch keeps rows apart (SqueezeNet's Fire, Inception, DenseNet). */
const joinsRows = (layer: Layer): boolean => {
  if (layer.originalOp !== 'Concat' && layer.originalOp !== 'Concatenate') return false;
  const rank = layer.outputShape?.length;
  const axis = Number(layer.attributes.axis ?? (layer.originalOp === 'Concatenate' ? -1 : Number.NaN));
  return Number.isInteger(axis) && rank !== undefined && (axis + rank) % rank !== 0;
};

const rowWise = (graph: Graph, layer: Layer): boolean =>
  layer.op === 'input' ||
  joinsRows(layer) ||
  (ROW_WISE.has(layer.originalOp) &&
    // ONNX Flatten may fold the batch axis (axis 0); Gemm with transA mixes rows.
    !(graph.format === 'onnx' && layer.originalOp === 'Flatten') &&
    layer.attributes.transA !== 1);

/**
 * The deterministic prefix: the leading row-wise layers before the first dropout, when what they hand
 * on to the rest of the graph is one tensor (the rest is then run per chunk on that tensor tiled).
 */
function prefixOf(graph: Graph): { end: number; tensor: string } | undefined {
  let end = 0;
  while (end < graph.layers.length && !drops(graph.layers[end]!) && rowWise(graph, graph.layers[end]!)) end++;
  const made = new Set(graph.layers.slice(0, end).flatMap((l) => io(l).outputs));
  for (const info of graph.inputs) made.add(info.name);
  const handedOn = new Set(
    [...graph.layers.slice(end).flatMap((l) => io(l).inputs), ...graph.outputs.map((o) => o.name)].filter(
      (name) => made.has(name),
    ),
  );
  const [tensor] = handedOn;
  const ops = graph.layers.slice(0, end).filter((l) => l.op !== 'input').length;
  return ops > 0 && handedOn.size === 1 && tensor ? { end, tensor } : undefined;
}

/** Layers the deterministic prefix of `graph` runs once per input (0 when there is none). */
export function graphPrefixLayers(graph: Graph): number {
  const prefix = prefixOf(graph);
  return prefix ? graph.layers.slice(0, prefix.end).filter((l) => l.op !== 'input').length : 0;
}

/** Runs `x` (n × …) once through the graph; stochastic or not. */
function runOnce(runner: GraphRunner, x: Tensor, options: RunOptions = {}): Tensor {
  const graph = runner.graph;
  const feeds = { [graph.inputs[0]!.name]: x };
  const out = runner.run(feeds, options)[outputName(graph)];
  if (!out) throw new EngineError(`${graph.name}: the graph gave no output`);
  return out;
}

/** Softmax probabilities of one pass in inference mode, n × classes. */
export function graphDeterministicProbs(runner: GraphRunner, x: Tensor): Float32Array {
  const out = runOnce(runner, x);
  const classes = sizeOf(out.shape.slice(1));
  const probs = Float32Array.from(out.data);
  if (!endsInSoftmax(runner.graph)) softmaxRows(probs, out.data, classes);
  return probs;
}

/** The MC passes of a graph over the rows of `x`; throws McNoStochasticLayerError when nothing is random. */
export function graphMcPasses(
  runner: GraphRunner,
  x: Tensor,
  options: McOptions,
  /** Run the whole graph every pass instead of the prefix once (tests compare the two). */
  wholeGraph = false,
): McPasses {
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
    runOnce(runner, {
      data: x.data.subarray(0, sizeOf(x.shape.slice(1))),
      shape: [1, ...x.shape.slice(1)],
    }).shape.slice(1),
  );
  const { offset, total } = options.window ?? { offset: 0, total: n };
  const stochastic = (span: PassSpan) => ({
    stochastic: true,
    rngOf: (l: Layer) => streams.get(l.id) ?? rng,
    maskRows,
    blocks: { ...span, offset, samples: n, total, consistent: options.masks === 'consistent' },
  });
  const common = {
    classes,
    layers: graph.layers.filter((l) => l.op !== 'input').length,
    probabilities: endsInSoftmax(graph),
    rowBudget: Math.max(1, Math.floor((options.maxElements ?? MC_CHUNK_ELEMENTS) / widest)),
  };
  const prefix = wholeGraph ? undefined : prefixOf(graph);
  const base = prefix && runner.runPrefix({ [graph.inputs[0]!.name]: x }, prefix.end).get(prefix.tensor);
  if (!prefix || !base || base.shape[0] !== n)
    return {
      ...common,
      base: x,
      prefixLayers: 0,
      forward: (tiled, span) => runOnce(runner, tiled, stochastic(span)),
    };
  const output = outputName(graph);
  return {
    ...common,
    base,
    prefixLayers: graphPrefixLayers(graph),
    forward: (tiled, span) => {
      const out = runner.resume(
        { values: new Map([[prefix.tensor, tiled]]), from: prefix.end },
        stochastic(span),
      )[output];
      if (!out) throw new EngineError(`${graph.name}: the graph gave no output`);
      return out;
    },
  };
}
