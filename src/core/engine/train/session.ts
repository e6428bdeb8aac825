// Trains a model from the IR on a data set, the way the CLI and the worker both need it: the training
// spec from the model file (with overrides), a seeded split, and optionally a twin run without dropout
// from the same initial weights, data order and seed, or the runs of any experiment (the worker's).
import { splitAndStandardize, type PreparedData } from '../../data/split';
import { fitShape, type Dataset } from '../../data/dataset';
import type { Graph } from '../../model/ir';
import type { TrainingSpec } from '../../model/training-spec';
import { buildFromGraph, type LossKind } from '../build';
import { EngineError } from '../engine-error';
import { Network } from '../network';
import { Rng } from '../../random/rng';
import { AS_IS, applyPlan, type RunPlan } from './run-plan';
import { train, type EpochMetrics, type TrainHooks } from './train';
import { multiplyAddsPerSample } from '../multiply-adds';
import { trainTwoWorkers, twoWorkerBlocker, workersFor } from './two-workers';
import type { WorkersChoice } from './workers-choice';

/**
 * A model's training spec, how often a run reports progress inside an epoch, and on how many threads it
 * trains (two: data-parallel, two-workers.ts, where the network allows it; default one).
 */
export type TrainRunSpec = TrainingSpec & { progressIntervalMs?: number; workers?: WorkersChoice };

/** The engine's name for the spec's loss. */
export const lossKind = (spec: Pick<TrainingSpec, 'loss'>): LossKind =>
  spec.loss === 'mse' ? 'mse' : 'softmax-cross-entropy';

export interface RunReport {
  run: string;
  epochs: EpochMetrics[];
  cancelled: boolean;
  seconds: number;
  network: Network;
  /** The final softmax was left to the loss: the network outputs logits. */
  softmaxInLoss: boolean;
  /** Feature standardisation fitted on the training rows; inputs must get the same to predict. */
  standardization?: { mean: number[]; std: number[] };
  /** The threads it trained on. */
  workers: 1 | 2;
  /** Two workers were asked for, and why the run trained on one. */
  oneWorkerReason?: string;
}

/** What a run's hooks may look at besides the metrics: the network and the prepared (standardised) data. */
export interface RunContext {
  network: Network;
  prepared: PreparedData;
}

/**
 * Trains one run of `plan`. Every run starts from Rng(spec.seed), so the runs of an experiment share
 * initial weights (where their layers agree), data order and split, whether trained together or one by one.
 */
export async function trainPlan(
  graph: Graph,
  data: Dataset,
  spec: TrainRunSpec,
  plan: RunPlan,
  hooks: (context: RunContext) => TrainHooks = () => ({}),
): Promise<RunReport> {
  const { network, softmaxInLoss, rng } = initialNetwork(graph, spec, plan);
  const prepared = splitAndStandardize(fitShape(data, network.inputShape), spec.validationSplit, spec.seed);
  const outputs = network.outputShape.reduce((a, b) => a * b, 1);
  if (outputs < data.classes)
    throw new EngineError(
      `${graph.name}: the model has ${outputs} outputs, the data have ${data.classes} classes`,
    );
  const start = performance.now();
  const options = { ...spec, loss: lossKind(spec) };
  const wanted = workersFor(spec.workers ?? 1, network, spec.batchSize, multiplyAddsPerSample(graph));
  const blocker = wanted === 2 ? twoWorkerBlocker(network, spec.batchSize) : undefined;
  const workers = wanted === 2 && !blocker ? 2 : 1;
  const result = await (workers === 2 ? trainTwoWorkers : train)(
    network,
    prepared,
    options,
    rng,
    hooks({ network, prepared }),
  );
  return {
    run: plan.name,
    ...result,
    seconds: (performance.now() - start) / 1000,
    network,
    softmaxInLoss,
    standardization: standardizationOf(prepared),
    workers,
    ...(blocker ? { oneWorkerReason: blocker } : {}),
  };
}

/**
 * The network a run of `plan` starts from, initialised from Rng(spec.seed), and that generator, which
 * then drives the run's shuffling and dropout: an untrained network exports these weights.
 */
export function initialNetwork(
  graph: Graph,
  spec: TrainingSpec,
  plan: RunPlan = AS_IS,
): { network: Network; softmaxInLoss: boolean; rng: Rng } {
  const built = buildFromGraph(graph, lossKind(spec));
  const network = new Network(built.inputShape, applyPlan(built.specs, plan));
  const rng = new Rng(spec.seed);
  network.init(rng.fork());
  return { network, softmaxInLoss: built.softmaxInLoss, rng };
}

/** The standardisation fitted on the training rows, as plain lists (what the exports take). */
export function standardizationOf(
  prepared: Pick<PreparedData, 'mean' | 'std'>,
): { mean: number[]; std: number[] } | undefined {
  const { mean, std } = prepared;
  return mean && std ? { mean: Array.from(mean), std: Array.from(std) } : undefined;
}

/** Trains `plans` (an experiment's runs) one after another; `onReport` hears of each run as it ends. */
export async function trainModel(
  graph: Graph,
  data: Dataset,
  spec: TrainRunSpec,
  plans: RunPlan[],
  hooks: (run: string, context: RunContext) => TrainHooks = () => ({}),
  onReport: (report: RunReport) => void = () => undefined,
): Promise<RunReport[]> {
  const reports: RunReport[] = [];
  for (const plan of plans) {
    const report = await trainPlan(graph, data, spec, plan, (ctx) => hooks(plan.name, ctx));
    reports.push(report);
    onReport(report);
    if (report.cancelled) break;
  }
  return reports;
}
