// `dropout-lens train <model> [--data builtin:NAME|file.csv] [--epochs N] [--seed S] [--compare] [--out FILE]
// [--workers 1|2|auto] [--json]`: trains the model's network, one line per epoch, then a summary. `--compare`
// also trains the same network without dropout from the same seed, initial weights and data order. `--out`
// writes the trained weights as JSON, or the dropout run as an ONNX model when the file name ends in .onnx.
// `--workers 2` trains data-parallel on two threads (the same result up to float rounding) where the
// network allows it, and says why not where it does not.
import { writeFileSync } from 'node:fs';
import { modelData } from '../core/data/node-data';
import { openModel } from '../core/formats/detect';
import { nodeModelSource } from '../core/formats/node-model-source';
import { AS_IS, WITHOUT_DROPOUT } from '../core/engine/train/run-plan';
import { trainModel, type RunReport } from '../core/engine/train/session';
import { parseWorkers, type WorkersChoice } from '../core/engine/train/workers-choice';
import { trainingSpec } from '../core/model/training-spec';
import { writeOnnx } from '../core/export/onnx-writer';
import type { SizeLimit } from '../core/io/size-limit';
import { CLI_SIZE_LIMIT, fileError, UsageError, type CliIo } from './io';

export interface TrainArgs {
  model: string;
  data?: string;
  epochs?: string;
  seed?: string;
  compare: boolean;
  json: boolean;
  out?: string;
  workers?: string;
  limit?: SizeLimit;
}

function workersChoice(value: string | undefined): WorkersChoice {
  const choice = value === undefined ? 1 : parseWorkers(value);
  if (choice === undefined) throw new UsageError(`train: --workers must be 1, 2 or auto, not "${value}"`);
  return choice;
}

function integer(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`train: --${flag} must be an integer ≥ ${min}, not "${value}"`);
  return n;
}

const pct = (v: number | null) => (v === null ? '—' : `${(100 * v).toFixed(1)}%`);
const fixed = (v: number | null) => (v === null ? '—' : v.toFixed(4));

function summary(r: RunReport) {
  const last = r.epochs[r.epochs.length - 1];
  const best = r.epochs.reduce((b, e) => Math.max(b, e.valAcc ?? -1), -1);
  return {
    run: r.run,
    epochs: r.epochs.length,
    trainLoss: last?.trainLoss ?? null,
    trainAcc: last?.trainAcc ?? null,
    valLoss: last?.valLoss ?? null,
    valAcc: last?.valAcc ?? null,
    bestValAcc: best < 0 ? null : best,
    seconds: Number(r.seconds.toFixed(3)),
    cancelled: r.cancelled,
    workers: r.workers,
    ...(r.oneWorkerReason ? { oneWorkerReason: r.oneWorkerReason } : {}),
  };
}

export async function runTrain(args: TrainArgs, io: CliIo): Promise<number> {
  const epochs = integer('epochs', args.epochs, 1);
  const seed = integer('seed', args.seed, 0);
  const workers = workersChoice(args.workers);
  let graph;
  try {
    graph = openModel(nodeModelSource(args.model, args.limit ?? CLI_SIZE_LIMIT));
  } catch (e) {
    io.err(fileError(args.model, e));
    return 2;
  }
  try {
    const spec = { ...trainingSpec(graph) };
    if (epochs !== undefined) spec.epochs = epochs;
    if (seed !== undefined) spec.seed = seed;
    const runSpec = { ...spec, workers };
    const chosen = modelData(args.model, spec, args.limit ?? CLI_SIZE_LIMIT, { data: args.data });
    if (!chosen) throw new UsageError('train: name the data with --data builtin:NAME or a CSV file');
    const { name: dataSpec, data } = chosen;
    const plans = args.compare ? [AS_IS, WITHOUT_DROPOUT] : [AS_IS];
    const reports = await trainModel(graph, data, runSpec, plans, (run) => ({
      onEpoch: (m) =>
        io.out(
          args.json
            ? JSON.stringify({ run, ...m })
            : `${run} epoch ${m.epoch}/${spec.epochs}: loss ${fixed(m.trainLoss)} acc ${pct(m.trainAcc)}  ` +
                `val loss ${fixed(m.valLoss)} val acc ${pct(m.valAcc)}`,
        ),
    }));
    const runs = reports.map(summary);
    // Asked for two workers and trained on one: say why on stderr, so --json output stays one record a line.
    for (const r of runs)
      if (r.oneWorkerReason) io.err(`train: run "${r.run}" trained on one thread: ${r.oneWorkerReason}`);
    if (args.json)
      io.out(JSON.stringify({ summary: { model: graph.name, data: dataSpec, seed: spec.seed, runs } }));
    else
      for (const r of runs)
        io.out(
          `${r.run}: final val acc ${pct(r.valAcc)} (best ${pct(r.bestValAcc)}) in ${r.seconds.toFixed(1)} s`,
        );
    if (args.out?.toLowerCase().endsWith('.onnx')) {
      // ONNX holds one network: the first run (with dropout), taking raw features like the data file.
      const [r] = reports;
      if (r)
        writeFileSync(
          args.out,
          writeOnnx(r.network.record(), {
            name: graph.name,
            softmax: r.softmaxInLoss,
            standardization: r.standardization,
          }),
        );
    } else if (args.out) {
      const weights = Object.fromEntries(
        reports.map((r) => [r.run, { layers: r.network.specs(), weights: r.network.exportWeights() }]),
      );
      writeFileSync(
        args.out,
        // The data, seed and standardisation of the run, so `export --weights` standardises as it did.
        JSON.stringify({
          model: graph.name,
          inputShape: reports[0]?.network.inputShape,
          data: dataSpec,
          seed: spec.seed,
          ...(reports[0]?.standardization ? { standardization: reports[0].standardization } : {}),
          runs: weights,
        }),
      );
    }
    return 0;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    io.err(fileError(args.model, e));
    return 2;
  }
}
