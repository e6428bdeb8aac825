// The data set a worker job runs on: the request's choice or the one the model's training block names.
// Unlike the CLI (which answers with its usage), a job without any data set is an error. And what the
// panels' data chooser needs to know of a model to offer data that fits it.
import { inputWidth } from '../core/data/fit';
import { defaultPreprocessing } from '../core/data/preprocessing';
import { modelData, trainingDataSpec } from '../core/data/node-data';
import { openModel } from '../core/formats/detect';
import { nodeModelSource } from '../core/formats/node-model-source';
import type { SizeLimit } from '../core/io/size-limit';
import type { Graph } from '../core/model/ir';
import { resolveTraining, trainingSpec, type TrainingSpec } from '../core/model/training-spec';
import type { Jobs } from '../protocol/worker';
import type { JobContext } from './job-context';

export function jobData(
  request: { model: string; data?: string; labelColumn?: string },
  spec: TrainingSpec,
  limit: SizeLimit,
): NonNullable<ReturnType<typeof modelData>> {
  const chosen = modelData(request.model, spec, limit, request);
  if (!chosen) throw new Error(`${request.model}: no data set; the model's training block names none`);
  return chosen;
}

export async function modelInput(
  request: Jobs['modelInput']['request'],
  context: JobContext,
): Promise<Jobs['modelInput']['result']> {
  let graph: Graph;
  try {
    graph = openModel(nodeModelSource(request.model, context.limit));
  } catch (e) {
    return { error: (e as Error).message };
  }
  let spec: TrainingSpec;
  try {
    spec = trainingSpec(graph);
  } catch {
    // A training block the schema refuses: training names the field when it starts.
    spec = resolveTraining(undefined, graph.name);
  }
  const inputShape = sampleShape(graph);
  const preprocessing = inputShape && defaultPreprocessing(inputShape);
  return {
    width: inputWidth(graph),
    ...(inputShape ? { inputShape } : {}),
    ...(preprocessing ? { preprocessing } : {}),
    ...(spec.data !== undefined ? { data: trainingDataSpec(request.model, spec.data) } : {}),
    ...(spec.labelColumn !== undefined ? { labelColumn: spec.labelColumn } : {}),
    epochs: spec.epochs,
    seed: spec.seed,
  };
}

/** The model's one input without its batch axis, 0 where a dimension is not fixed (undefined: no such input). */
function sampleShape(graph: Graph): number[] | undefined {
  const dims = graph.inputs.length === 1 ? graph.inputs[0]?.shape?.slice(1) : undefined;
  if (!dims || dims.length === 0) return undefined;
  return dims.map((d) => (typeof d === 'number' && d > 0 ? d : 0));
}
