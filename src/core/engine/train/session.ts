// Trains a model from the IR on a data set, the way the CLI and the worker both need it: the training
// spec from the model file (with overrides), a seeded split, and optionally a twin run without dropout
// from the same initial weights, data order and seed. The panel trains the same plans one job at a time.
import { splitAndStandardize, type PreparedData } from '../../data/split';
import { fitShape, type Dataset } from '../../data/dataset';
import type { Graph } from '../../model/ir';
import { buildFromGraph } from '../build';
import { EngineError } from '../layers/layer';
import type { LossKind } from './losses';
import { Network } from '../network';
import { Rng } from '../../random/rng';
import { applyPlan, AS_IS, WITHOUT_DROPOUT, type RunPlan } from './run-plan';
import { train, type EpochMetrics, type OptimizerSpec, type TrainHooks, type TrainOptions } from './train';
import type { DropoutSchedule } from '../layers/dropout';

export interface TrainingSpec {
  data?: string;
  validationSplit: number;
  epochs: number;
  batchSize: number;
  optimizer: OptimizerSpec;
  l2: number;
  maxNorm?: number;
  seed: number;
  loss: LossKind;
  schedule?: DropoutSchedule;
  progressIntervalMs?: number;
}

/** Reads the `training` block of a model (graph.meta.training) with defaults; names any bad field. */
export function trainingSpec(graph: Graph): TrainingSpec {
  const t = (graph.meta.training ?? {}) as Record<string, unknown>;
  const bad = (field: string, want: string): never => {
    throw new EngineError(
      `${graph.name}: training.${field} must be ${want}, not ${JSON.stringify(t[field])}`,
    );
  };
  const number = (field: string, fallback: number, ok: (v: number) => boolean, want: string): number => {
    const v = t[field];
    if (v === undefined) return fallback;
    return typeof v === 'number' && ok(v) ? v : bad(field, want);
  };
  const o = (t.optimizer ?? { type: 'adam' }) as Record<string, unknown>;
  let optimizer: OptimizerSpec;
  if (o.type === 'sgd')
    optimizer = {
      type: 'sgd',
      learningRate: Number(o.learningRate ?? 0.01),
      momentum: Number(o.momentum ?? 0),
    };
  else if (o.type === 'adam' || o.type === undefined)
    optimizer = { type: 'adam', learningRate: Number(o.learningRate ?? 1e-3) };
  else return bad('optimizer', '{ "type": "sgd" | "adam", "learningRate": … }');
  const schedule = t.dropoutSchedule as DropoutSchedule | undefined;
  return {
    data: typeof t.data === 'string' ? t.data : undefined,
    validationSplit: number('validationSplit', 0.2, (v) => v >= 0 && v < 1, 'a number in [0, 1)'),
    epochs: number('epochs', 10, (v) => Number.isInteger(v) && v > 0, 'a positive integer'),
    batchSize: number('batchSize', 32, (v) => Number.isInteger(v) && v > 0, 'a positive integer'),
    optimizer,
    l2: number('l2', 0, (v) => v >= 0, 'a number ≥ 0'),
    maxNorm: t.maxNorm === undefined ? undefined : number('maxNorm', 0, (v) => v > 0, 'a number > 0'),
    seed: number('seed', 0, Number.isInteger, 'an integer'),
    loss: t.loss === 'mse' ? 'mse' : 'softmax-cross-entropy',
    schedule,
  };
}

export type RunName = 'dropout' | 'no-dropout';

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
  spec: TrainingSpec,
  plan: RunPlan,
  hooks: (context: RunContext) => TrainHooks = () => ({}),
): Promise<RunReport> {
  const built = buildFromGraph(graph, spec.loss);
  const prepared = splitAndStandardize(fitShape(data, built.inputShape), spec.validationSplit, spec.seed);
  const network = new Network(built.inputShape, applyPlan(built.specs, plan));
  const outputs = network.outputShape.reduce((a, b) => a * b, 1);
  if (outputs < data.classes)
    throw new EngineError(
      `${graph.name}: the model has ${outputs} outputs, the data have ${data.classes} classes`,
    );
  const rng = new Rng(spec.seed);
  network.init(rng.fork());
  const options: TrainOptions = { ...spec, schedule: plan.schedule ?? spec.schedule };
  const start = performance.now();
  const result = await train(network, prepared, options, rng, hooks({ network, prepared }));
  const { mean, std } = prepared;
  return {
    run: plan.name,
    ...result,
    seconds: (performance.now() - start) / 1000,
    network,
    softmaxInLoss: built.softmaxInLoss,
    standardization: mean && std ? { mean: Array.from(mean), std: Array.from(std) } : undefined,
  };
}

export async function trainModel(
  graph: Graph,
  data: Dataset,
  spec: TrainingSpec,
  options: { compare?: boolean },
  hooks: (run: RunName, context: RunContext) => TrainHooks = () => ({}),
): Promise<RunReport[]> {
  const plans = options.compare ? [AS_IS, WITHOUT_DROPOUT] : [AS_IS];
  const reports: RunReport[] = [];
  for (const plan of plans) {
    const report = await trainPlan(graph, data, spec, plan, (ctx) => hooks(plan.name as RunName, ctx));
    reports.push(report);
    if (report.cancelled) break;
  }
  return reports;
}
