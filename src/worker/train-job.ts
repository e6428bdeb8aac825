// Training and evaluation jobs. Training yields to the event loop every few milliseconds so a cancel
// message is seen within the 100 ms the UI promises, and reports progress on a timer inside epochs.
import { splitAndStandardize } from '../core/data/split';
import { fitShape } from '../core/data/dataset';
import { decisionGrid } from '../core/engine/train/boundary';
import { deriveHints, type HintRun } from '../core/engine/train/hints';
import { buildFromGraph } from '../core/engine/build';
import { Network } from '../core/engine/network';
import {
  lossKind,
  trainModel,
  type RunContext,
  type RunReport,
  type TrainRunSpec,
} from '../core/engine/train/session';
import { trainingSpec, type TrainingSpec } from '../core/model/training-spec';
import { Trainer, evaluate, type TrainHooks } from '../core/engine/train/train';
import { openModel } from '../core/formats/detect';
import { nodeModelSource } from '../core/formats/node-model-source';
import type { SizeLimit } from '../core/io/size-limit';
import type { Jobs, RunSetup, WireTrainRun } from '../protocol/worker';
import { experimentPlans } from './experiments';
import type { JobContext } from './job-context';
import { jobData } from './job-data';

/** Longest stretch of computation between two turns of the event loop. */
const YIELD_MS = 10;
const PROGRESS_MS = 50;

function load(
  request: { model: string; data?: string; labelColumn?: string; seed?: number },
  limit: SizeLimit,
) {
  const graph = openModel(nodeModelSource(request.model, limit));
  const spec: TrainRunSpec = trainingSpec(graph);
  if (request.seed !== undefined) spec.seed = request.seed;
  const chosen = jobData(request, spec, limit);
  return { graph, spec, dataSpec: chosen.name, data: chosen.data };
}

/** The highest dropout rate in a network (0 = none; Gaussian noise has no rate). */
const maxDropoutRate = (network: Network) =>
  Math.max(0, ...network.dropoutLayers().map((d) => (d.spec.variant === 'gaussian-noise' ? 0 : d.spec.rate)));

function setupOf(context: RunContext, dataSpec: string, spec: TrainRunSpec, classes: number): RunSetup {
  const { train, val } = context.prepared;
  return {
    data: dataSpec,
    trainRows: train.n,
    valRows: val.n,
    classes,
    features: train.x.length / Math.max(1, train.n),
    maxRate: maxDropoutRate(context.network),
    optimizer: spec.optimizer,
    maxNorm: spec.maxNorm,
    seed: spec.seed,
  };
}

export async function trainJob(
  request: Jobs['train']['request'],
  context: JobContext,
): Promise<Jobs['train']['result']> {
  const { graph, spec, dataSpec, data } = load(request, context.limit);
  if (request.epochs !== undefined) spec.epochs = request.epochs;
  spec.progressIntervalMs = PROGRESS_MS;
  spec.workers = request.workers ?? 1;
  const experiment = request.experiment ?? { kind: 'as-is' };
  const plans = experimentPlans(experiment.kind, spec.epochs, experiment.rates);
  let announced = false;
  let lastYield = performance.now();
  const hooks = (run: string, ctx: RunContext): TrainHooks => {
    const grid = request.boundary;
    const drawable = grid && ctx.prepared.train.x.length === 2 * ctx.prepared.train.n;
    context.progress({
      run,
      ...(announced ? {} : { runs: plans.map((p) => p.name) }),
      epoch: 0,
      epochs: spec.epochs,
      setup: setupOf(ctx, dataSpec, spec, data.classes),
    });
    announced = true;
    return {
      isCancelled: () => context.isCancelled(),
      onProgress: (p) =>
        context.progress({ run, epoch: p.epoch, epochs: spec.epochs, batch: p.batch, batches: p.batches }),
      onEpoch: (metrics) => {
        const due = drawable && (metrics.epoch % grid.every === 0 || metrics.epoch === spec.epochs);
        const boundary = due ? decisionGrid(ctx.network, ctx.prepared.train, grid.size) : undefined;
        context.progress({ run, epoch: metrics.epoch, epochs: spec.epochs, metrics, boundary });
      },
      pause: async () => {
        if (performance.now() - lastYield < YIELD_MS) return;
        await new Promise((r) => setImmediate(r));
        lastYield = performance.now();
      },
    };
  };
  // Each run is sent once, as it ends, so a cancel later in the experiment keeps the runs before it.
  const finished: HintRun[] = [];
  await trainModel(graph, data, spec, plans, hooks, (report) => {
    if (!report.cancelled)
      finished.push({
        name: report.run,
        epochs: report.epochs,
        maxRate: maxDropoutRate(report.network),
        optimizer: spec.optimizer,
        maxNorm: spec.maxNorm,
      });
    context.progress({ finished: wireRun(report, spec), hints: deriveHints(finished) });
  });
  return {};
}

function wireRun(r: RunReport, training: TrainingSpec): WireTrainRun {
  return {
    run: r.run,
    epochs: r.epochs,
    seconds: r.seconds,
    cancelled: r.cancelled,
    network: r.network.record(),
    softmaxInLoss: r.softmaxInLoss,
    standardization: r.standardization,
    training,
    workers: r.workers,
    ...(r.oneWorkerReason ? { oneWorkerReason: r.oneWorkerReason } : {}),
  };
}

export async function evaluateModel(
  request: Jobs['evaluate']['request'],
  context: JobContext,
): Promise<Jobs['evaluate']['result']> {
  const { graph, spec, data } = load(request, context.limit);
  const loss = lossKind(spec);
  const built = buildFromGraph(graph, loss);
  const { val } = splitAndStandardize(fitShape(data, built.inputShape), spec.validationSplit, spec.seed);
  const net = new Network(built.inputShape, built.specs);
  net.importWeights(request.weights);
  const r = evaluate(new Trainer(net, { ...spec, loss }), val);
  return { n: val.n, loss: r.loss, accuracy: r.acc };
}
