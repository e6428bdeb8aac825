// Training and evaluation jobs. Training yields to the event loop every few milliseconds so a cancel
// message is seen within the 100 ms the UI promises, and reports progress on a timer inside epochs.
import { splitAndStandardize } from '../core/data/split';
import { fitShape } from '../core/data/dataset';
import { loadData } from '../core/data/load';
import { nodeDataSource } from '../core/data/node-data';
import { buildFromGraph } from '../core/engine/build';
import { Network } from '../core/engine/network';
import { trainModel, trainingSpec } from '../core/engine/session';
import { Trainer, evaluate } from '../core/engine/train';
import { openModel } from '../core/formats/detect';
import { nodeModelSource } from '../core/formats/node-model-source';
import type { Jobs } from '../protocol/worker-messages';
import type { JobContext } from './jobs';

/** Longest stretch of computation between two turns of the event loop. */
const YIELD_MS = 10;
const PROGRESS_MS = 50;

function load(request: { model: string; data?: string; seed?: number }) {
  const graph = openModel(nodeModelSource(request.model));
  const spec = trainingSpec(graph);
  if (request.seed !== undefined) spec.seed = request.seed;
  const dataSpec = request.data ?? spec.data;
  if (!dataSpec) throw new Error(`${request.model}: no data set; the model's training block names none`);
  return { graph, spec, data: loadData(dataSpec, nodeDataSource, spec.seed) };
}

export async function trainJob(
  request: Jobs['train']['request'],
  context: JobContext,
): Promise<Jobs['train']['result']> {
  const { graph, spec, data } = load(request);
  if (request.epochs !== undefined) spec.epochs = request.epochs;
  spec.progressIntervalMs = PROGRESS_MS;
  let lastYield = performance.now();
  const reports = await trainModel(graph, data, spec, { compare: request.compare }, (run) => ({
    isCancelled: () => context.isCancelled(),
    onProgress: (p) =>
      context.progress({ run, epoch: p.epoch, epochs: spec.epochs, batch: p.batch, batches: p.batches }),
    onEpoch: (metrics) => context.progress({ run, epoch: metrics.epoch, epochs: spec.epochs, metrics }),
    pause: async () => {
      if (performance.now() - lastYield < YIELD_MS) return;
      await new Promise((r) => setImmediate(r));
      lastYield = performance.now();
    },
  }));
  return {
    runs: reports.map((r) => ({
      run: r.run,
      epochs: r.epochs,
      seconds: r.seconds,
      cancelled: r.cancelled,
      weights: r.network.exportWeights(),
    })),
  };
}

export async function evaluateModel(
  request: Jobs['evaluate']['request'],
): Promise<Jobs['evaluate']['result']> {
  const { graph, spec, data } = load(request);
  const built = buildFromGraph(graph, spec.loss);
  const { val } = splitAndStandardize(fitShape(data, built.inputShape), spec.validationSplit, spec.seed);
  const net = new Network(built.inputShape, built.specs);
  net.importWeights(request.weights);
  const r = evaluate(new Trainer(net, spec), val);
  return { n: val.n, loss: r.loss, accuracy: r.acc };
}
