// `dropout-lens mc <model> [--data …] [--passes T] [--seed S] [--masks fresh|consistent] [--engine …]
// [--threads N] [--size …] [--mean …] [--std …] [--layout …] [--weights FILE] [--train] [--json]`:
// MC-dropout uncertainty of a trained model on its validation split (or the named data). Weights come from
// --weights, else the model's "weights" sidecar; a model without either is trained first with its own
// training spec only when --train is given. An ONNX or tfjs file brings its own weights and is evaluated
// on every sample of --data (an image folder, .npy, .npz, CSV or built-in set), read a batch at a time, on
// the runtime --engine names (default: the own engine when it supports every op).
import { modelData } from '../core/data/node-data';
import { openModel } from '../core/formats/detect';
import { nodeModelSource } from '../core/formats/node-model-source';
import { McNoStochasticLayerError } from '../core/engine/mc/mc';
import { bringsWeights, graphSamplePattern } from '../core/engine/mc/graph';
import type { Dataset } from '../core/data/dataset';
import { openDataStream } from '../core/data/open-stream';
import {
  defaultPreprocessing,
  parsePreprocessing,
  type PreprocessingFlags,
} from '../core/data/preprocessing';
import type { DataStream, ImagePreprocessing } from '../core/data/stream';
import type { Graph } from '../core/model/ir';
import { preprocessingProblems } from '../protocol/preprocessing';
import type { TrainingSpec } from '../core/model/training-spec';
import type { McEngine } from '../core/engine/mc/runtime';
import { ENGINE_CHOICES, openMcModel, type EngineChoice } from '../core/runtimes/open';
import { runMcSession } from '../core/engine/mc/session';
import { trainingSpec } from '../core/model/training-spec';
import { readWeights } from '../core/engine/weights-file';
import type { SizeLimit } from '../core/io/size-limit';
import { CLI_SIZE_LIMIT, fileError, UsageError, type CliIo } from './io';

export interface McArgs {
  model: string;
  data?: string;
  passes?: string;
  seed?: string;
  masks?: string;
  engine?: string;
  threads?: string;
  size?: string;
  mean?: string;
  std?: string;
  layout?: string;
  weights?: string;
  train: boolean;
  json: boolean;
  limit?: SizeLimit;
}

/** Samples listed with their distribution over at most this many classes; above it, the most probable. */
const MAX_CLASSES = 20;
/** The most uncertain samples listed when there are too many classes to list every sample. */
const TOP = 20;

const engineName = (e: McEngine) => `${e.name}${e.version ? ` ${e.version}` : ''}`;

const isEngineChoice = (v: string): v is EngineChoice => (ENGINE_CHOICES as readonly string[]).includes(v);

function integer(flag: string, value: string | undefined, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`mc: --${flag} must be an integer ≥ ${min}, not "${value}"`);
  return n;
}

/** Any image preprocessing flag given. */
const preprocessingFlags = (args: McArgs): PreprocessingFlags | undefined => {
  const flags = { size: args.size, mean: args.mean, std: args.std, layout: args.layout };
  return Object.values(flags).some((v) => v !== undefined) ? flags : undefined;
};

/** The image preprocessing the flags give for a model input of sample shape `shape`. */
function imagePreprocessing(flags: PreprocessingFlags, shape: (number | null)[]): ImagePreprocessing {
  if (!shape.every((d): d is number => d !== null))
    throw new UsageError(
      `mc: --size, --mean, --std and --layout are for image models; this input [${shape.map((d) => d ?? '?').join(', ')}] has free dimensions`,
    );
  let preprocessing: ImagePreprocessing;
  try {
    preprocessing = parsePreprocessing(flags, defaultPreprocessing(shape));
  } catch (e) {
    throw new UsageError(`mc: ${(e as Error).message}`);
  }
  // The panel's checks: each dimension against the model's, not just the number of values.
  const problems = Object.values(preprocessingProblems(preprocessing, shape));
  if (problems.length > 0) throw new UsageError(`mc: ${problems.join('; ')}`);
  return preprocessing;
}

/**
 * The data: a model file that brings its weights reads --data as a stream (image folder, .npy, .npz,
 * CSV, built-in); an .nn.json reads its training data's form (CSV, built-in), as training did.
 */
async function chooseData(
  args: McArgs,
  graph: Graph,
  spec: TrainingSpec,
  limit: SizeLimit,
): Promise<{
  name: string;
  input: { data: Dataset } | { stream: DataStream };
  preprocessing?: ImagePreprocessing;
}> {
  const flags = preprocessingFlags(args);
  if (!bringsWeights(graph)) {
    if (flags)
      throw new UsageError(
        'mc: --size, --mean, --std and --layout are for image data of an ONNX or tfjs model',
      );
    const chosen = modelData(args.model, spec, limit, { data: args.data });
    if (!chosen) throw new UsageError('mc: name the data with --data builtin:NAME or a CSV file');
    return { name: chosen.name, input: { data: chosen.data } };
  }
  if (args.data === undefined)
    throw new UsageError('mc: name the data with --data DIR, file.npy, file.npz, file.csv or builtin:NAME');
  const inputShape = graphSamplePattern(graph);
  const preprocessing = flags && imagePreprocessing(flags, inputShape);
  const stream = await openDataStream(args.data, { inputShape, preprocessing, limit, seed: spec.seed });
  return {
    name: args.data,
    input: { stream },
    ...(stream.preprocessing ? { preprocessing: stream.preprocessing } : {}),
  };
}

export async function runMcCommand(args: McArgs, io: CliIo): Promise<number> {
  const passes = integer('passes', args.passes, 1, 30);
  const seed = integer('seed', args.seed, 0, 0);
  const masks = args.masks ?? 'fresh';
  if (masks !== 'fresh' && masks !== 'consistent')
    throw new UsageError(`mc: --masks must be "fresh" or "consistent", not "${masks}"`);
  const engine = args.engine ?? 'auto';
  if (!isEngineChoice(engine))
    throw new UsageError(`mc: --engine must be one of ${ENGINE_CHOICES.join(', ')}, not "${engine}"`);
  const threads = args.threads === undefined ? undefined : integer('threads', args.threads, 1, 1);
  try {
    const limit = args.limit ?? CLI_SIZE_LIMIT;
    const source = nodeModelSource(args.model, limit);
    const graph = openModel(source);
    const spec = trainingSpec(graph);
    const chosen = await chooseData(args, graph, spec, limit);
    const read = await readWeights(graph, source, args.weights ? { path: args.weights, limit } : undefined);
    if (!read && !args.train && !bringsWeights(graph))
      throw new UsageError(
        `mc: ${args.model} has no "weights" sidecar; pass --weights FILE (e.g. from "train --out") or --train to train it first`,
      );
    const run = await runMcSession({
      graph,
      ...chosen.input,
      spec,
      weights: read?.data,
      train: args.train,
      mc: { passes, seed, masks, top: TOP, maxClasses: MAX_CLASSES, everySample: true },
      source,
      open: (g, s) =>
        openMcModel(g, s, {
          engine,
          ...(threads ? { threads } : {}),
          ...('stream' in chosen.input ? { inputShape: chosen.input.stream.sampleShape } : {}),
        }),
    });
    const s = run.summary;
    const report = {
      passes: s.passes,
      n: s.n,
      accuracy: s.accuracy,
      nll: s.nll,
      ece: s.ece,
      meanEntropy: s.meanEntropy,
      meanMutualInfo: s.meanMutualInfo,
      samples: run.samples ?? run.uncertain,
      engine: run.engine,
      prefix: run.prefix,
      labelled: run.labelled,
      ...(chosen.preprocessing ? { preprocessing: chosen.preprocessing } : {}),
      data: chosen.name,
    };
    if (args.json) io.out(JSON.stringify(report));
    else {
      const scores =
        s.accuracy === undefined
          ? 'unlabelled: no accuracy, NLL or ECE  '
          : `accuracy ${(100 * s.accuracy).toFixed(1)}%  NLL ${(s.nll ?? 0).toFixed(4)}  ECE ${(s.ece ?? 0).toFixed(4)}  `;
      io.out(
        `${graph.name}: ${passes} MC-dropout passes on ${s.n} samples of ${chosen.name}` +
          `${run.trained ? ` (trained first, ${spec.epochs} epochs)` : ''} on ${engineName(run.engine)}\n` +
          `${scores}mean entropy ${s.meanEntropy.toFixed(4)}  mean mutual information ${s.meanMutualInfo.toFixed(4)}\n` +
          'most uncertain samples:',
      );
      for (const m of run.uncertain.slice(0, 5))
        io.out(
          `  #${m.index}: ${m.label >= 0 ? `label ${m.label}, ` : ''}predicted ${m.pred} ` +
            `(p ${(m.mean[m.classes ? 0 : m.pred] ?? 0).toFixed(3)}), ` +
            `entropy ${m.entropy.toFixed(3)}, mutual information ${m.mutualInfo.toFixed(3)}`,
        );
    }
    return 0;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    io.err(fileError(args.model, e));
    return e instanceof McNoStochasticLayerError ? 1 : 2;
  }
}
