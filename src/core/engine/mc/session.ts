// An MC-dropout run of a model file, as the CLI and the worker both need it, and the one path to
// runMcStream. An .nn.json model: the network from the IR, trained weights (given, or trained first with
// the model's training spec), and the evaluation rows (the validation split the training seed gives,
// standardised with the training rows' statistics, exactly as training saw it). A model file that brings
// its weights (ONNX, tfjs) runs on the runtime openMcModel picks, over every sample of the data as given
// (in memory, or a stream read a batch at a time): it was trained elsewhere, so there is no split or
// standardisation to reproduce.
import { fitShape, type Dataset } from '../../data/dataset';
import { datasetStream } from '../../data/dataset-stream';
import type { DataStream } from '../../data/stream';
import { splitAndStandardize } from '../../data/split';
import type { ModelSource } from '../../formats/reader';
import type { Graph } from '../../model/ir';
import { buildFromGraph } from '../build';
import { EngineError } from '../engine-error';
import { bringsWeights } from './graph';
import { graphMcModel, networkMcModel } from './own-model';
import { runMcStream, type McRunResult, type McStreamHooks, type McStreamOptions } from './run-stream';
import type { McModel } from './runtime';
import { Network } from '../network';
import { AS_IS } from '../train/run-plan';
import type { TrainingSpec } from '../../model/training-spec';
import { lossKind, trainPlan } from '../train/session';
import type { TrainHooks } from '../train/train';
import { applyWeights, type WeightsData } from '../weights-file';

export interface McSessionInput {
  graph: Graph;
  /** Data in memory (CSV, built-in), or `stream`. */
  data?: Dataset;
  /** Data read a batch at a time (image folders, .npy/.npz): for model files that bring their weights. */
  stream?: DataStream;
  spec: TrainingSpec;
  /** Trained weights; without them `train` must be set. */
  weights?: WeightsData;
  /** Train with the model's training spec first (when there are no weights). */
  train?: boolean;
  mc: McStreamOptions;
  /** The model file (tfjs layers: for its weight shards). */
  source?: ModelSource;
  /** On 2-D data, also map the uncertainty over a grid of this many cells per side (see grid.ts). */
  grid?: number;
  /** The runtime of a model file that brings its weights (openMcModel; default: the own engine). */
  open?: (graph: Graph, source: ModelSource) => Promise<McModel>;
}

export interface McSessionResult extends McRunResult {
  /** Evaluated rows before standardisation (for drawing samples), n × features; in-memory data only. */
  raw?: Float32Array;
  featureShape: number[];
  trained: boolean;
}

export interface McSessionHooks extends Omit<McStreamHooks, 'onPartial'> {
  onPartial?(
    progress: Parameters<NonNullable<McStreamHooks['onPartial']>>[0],
    result: () => McSessionResult,
  ): void;
  train?: TrainHooks;
}

export async function prepareNetwork(
  input: Omit<McSessionInput, 'mc'> & { data: Dataset },
  hooks: TrainHooks = {},
): Promise<{ net: Network; trained: boolean; cancelled: boolean }> {
  if (input.weights) {
    const built = buildFromGraph(input.graph, lossKind(input.spec));
    const net = new Network(built.inputShape, built.specs);
    applyWeights(net, input.weights);
    return { net, trained: false, cancelled: false };
  }
  if (!input.train)
    throw new EngineError(
      `${input.graph.name}: the model has no trained weights (no "weights" sidecar); give a weights file or train it first`,
    );
  const report = await trainPlan(input.graph, input.data, input.spec, AS_IS, () => hooks);
  return { net: report.network, trained: true, cancelled: report.cancelled };
}

const isInteger = (dtype: string) => /^(u?int\d+|bool)$/.test(dtype);

/**
 * Float data for an integer input (token ids) is refused: rounding them would run the model on ids nobody
 * chose. Integer data for a float input are converted, as numpy would.
 */
function checkInputDtype(graph: Graph, data: string, dtype = 'float32'): void {
  const input = graph.inputs[0];
  if (input?.dtype && isInteger(input.dtype) && !isInteger(dtype))
    throw new EngineError(
      `${graph.name}: the input "${input.name}" takes ${input.dtype} values (token ids), and ${data} ` +
        `holds ${dtype}: save them as integers (numpy: x.astype(numpy.${input.dtype}))`,
    );
}

/** The model on its runtime, the samples it runs on, and what the panel draws them with. */
async function prepare(
  input: McSessionInput,
  hooks: McSessionHooks,
): Promise<{
  model: McModel;
  stream: DataStream;
  raw?: Float32Array;
  featureShape: number[];
  trained: boolean;
  cancelled: boolean;
}> {
  const { graph, data, stream } = input;
  if (bringsWeights(graph)) {
    if (!input.source) throw new EngineError(`${graph.name}: the model file is needed to run it`);
    const source = input.source;
    const open = () => (input.open ?? graphMcModel)(graph, source);
    if (stream) {
      checkInputDtype(graph, stream.name, stream.dtype);
      const model = await open();
      return { model, stream, featureShape: [...stream.sampleShape], trained: false, cancelled: false };
    }
    if (!data) throw new EngineError(`${graph.name}: no data to run MC dropout on`);
    checkInputDtype(graph, 'the data');
    const model = await open();
    const rows = fitShape(data, model.inputShape);
    return {
      model,
      stream: datasetStream(rows, graph.name),
      raw: rows.x,
      featureShape: [...data.shape],
      trained: false,
      cancelled: false,
    };
  }
  if (!data)
    throw new EngineError(
      `${graph.name}: an .nn.json model runs on CSV or built-in data (its training data's form)`,
    );
  const { net, trained, cancelled } = await prepareNetwork({ ...input, data }, hooks.train);
  const prepared = splitAndStandardize(
    fitShape(data, net.inputShape),
    input.spec.validationSplit,
    input.spec.seed,
  );
  const rows = prepared.val.n > 0 ? prepared.val : prepared.train;
  const d = rows.x.length / Math.max(1, rows.n);
  const raw = rows.x.map((v, i) => v * (prepared.std?.[i % d] ?? 1) + (prepared.mean?.[i % d] ?? 0));
  return {
    model: networkMcModel(net),
    stream: datasetStream(rows, graph.name),
    raw,
    featureShape: [...data.shape],
    trained,
    cancelled,
  };
}

export async function runMcSession(
  input: McSessionInput,
  hooks: McSessionHooks = {},
): Promise<McSessionResult> {
  const { model, stream, raw, featureShape, trained, cancelled } = await prepare(input, hooks);
  const extra = { ...(raw ? { raw } : {}), featureShape, trained };
  try {
    const run = await runMcStream(
      model,
      stream,
      { ...input.mc, ...(input.grid ? { grid: input.grid } : {}) },
      {
        ...hooks,
        isCancelled: () => cancelled || (hooks.isCancelled?.() ?? false),
        onPartial:
          hooks.onPartial &&
          ((progress, result) => hooks.onPartial?.(progress, () => ({ ...result(), ...extra }))),
      },
    );
    return { ...run, ...extra };
  } finally {
    await model.dispose();
  }
}
