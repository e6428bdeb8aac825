// An MC-dropout run of a model file, as the CLI and the worker both need it: the network from the IR,
// trained weights (given, or trained first with the model's training spec), the evaluation rows (the
// validation split the training seed gives, standardised with the training rows' statistics, exactly as
// training saw it), the MC passes, and one deterministic pass to compare with. An ONNX or tfjs layers file
// runs through the graph executor with its own weights on every row of the data as given (it was trained
// elsewhere, so there is no split or standardisation to reproduce).
import { fitShape, type Dataset } from '../../data/dataset';
import { splitAndStandardize } from '../../data/split';
import type { ModelSource } from '../../formats/reader';
import type { Graph } from '../../model/ir';
import { buildFromGraph } from '../build';
import { EngineError } from '../engine-error';
import {
  McAccumulator,
  deterministicProbs,
  firstStochastic,
  networkMcPasses,
  type McOptions,
  type McResult,
} from './mc';
import { planeFor, runMcOver, type McGrid, type McGridHooks } from './grid';
import { graphDeterministicProbs, graphInputShape, graphMcPasses, runsAsGraph } from './graph';
import { Network } from '../network';
import { GraphRunner } from '../graph/run-graph';
import { AS_IS } from '../train/run-plan';
import type { TrainingSpec } from '../../model/training-spec';
import { lossKind, trainPlan } from '../train/session';
import type { TrainHooks } from '../train/train';
import { applyWeights, type WeightsData } from '../weights-file';

export interface McSessionInput {
  graph: Graph;
  data: Dataset;
  spec: TrainingSpec;
  /** Trained weights; without them `train` must be set. */
  weights?: WeightsData;
  /** Train with the model's training spec first (when there are no weights). */
  train?: boolean;
  mc: McOptions;
  /** The model file (tfjs layers: for its weight shards). */
  source?: ModelSource;
  /** On 2-D data, also map the uncertainty over a grid of this many cells per side (see grid.ts). */
  grid?: number;
}

export interface McSessionResult extends McResult {
  labels: Int32Array;
  /** Evaluated rows before standardisation (for drawing samples), n × features. */
  raw: Float32Array;
  featureShape: number[];
  /** One pass in inference mode, n × classes. */
  deterministic: Float32Array;
  trained: boolean;
  /** The maps over the plane, when asked for and the data are 2-D. */
  grid?: McGrid;
}

export async function prepareNetwork(
  input: Omit<McSessionInput, 'mc'>,
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

export async function runMcSession(
  input: McSessionInput,
  hooks: McGridHooks & { train?: TrainHooks } = {},
  /** Called once the rows and the deterministic pass are known, before the MC passes start. */
  onReady?: (ready: Omit<McSessionResult, keyof McResult> & { prefixLayers: number }) => void,
): Promise<McSessionResult> {
  if (runsAsGraph(input.graph)) return runGraphMcSession(input, hooks, onReady);
  const { net, trained, cancelled } = await prepareNetwork(input, hooks.train);
  const prepared = splitAndStandardize(
    fitShape(input.data, net.inputShape),
    input.spec.validationSplit,
    input.spec.seed,
  );
  const rows = prepared.val.n > 0 ? prepared.val : prepared.train;
  const x = { data: rows.x, shape: [rows.n, ...net.inputShape] };
  const deterministic = deterministicProbs(net, x);
  const d = rows.x.length / rows.n;
  const raw = rows.x.map((v, i) => v * (prepared.std?.[i % d] ?? 1) + (prepared.mean?.[i % d] ?? 0));
  const base = { labels: rows.y, raw, featureShape: [...input.data.shape], deterministic, trained };
  onReady?.({ ...base, prefixLayers: firstStochastic(net) });
  if (cancelled) {
    const stats = new McAccumulator(rows.n, deterministic.length / Math.max(1, rows.n)).stats();
    return { ...base, stats, cancelled: true, prefixLayers: firstStochastic(net) };
  }
  const run = await runMcOver(
    (r, o) => networkMcPasses(net, r, o),
    x,
    planeFor(rows, input.grid),
    input.mc,
    hooks,
  );
  return { ...base, ...run };
}

async function runGraphMcSession(
  input: McSessionInput,
  hooks: McGridHooks,
  onReady?: (ready: Omit<McSessionResult, keyof McResult> & { prefixLayers: number }) => void,
): Promise<McSessionResult> {
  const runner = await GraphRunner.load(input.graph, input.source);
  const rows = fitShape(input.data, graphInputShape(input.graph));
  const x = { data: rows.x, shape: [rows.n, ...rows.shape] };
  const deterministic = graphDeterministicProbs(runner, x);
  const base = { labels: rows.y, raw: rows.x, featureShape: [...input.data.shape], deterministic };
  onReady?.({ ...base, trained: false, prefixLayers: 0 });
  const run = await runMcOver(
    (r, o) => graphMcPasses(runner, r, o),
    x,
    planeFor(rows, input.grid),
    input.mc,
    hooks,
  );
  return { ...base, trained: false, ...run };
}
