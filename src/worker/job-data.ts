// The data set a worker job runs on: the request's choice or the one the model's training block names.
// Unlike the CLI (which answers with its usage), a job without any data set is an error.
import { modelData } from '../core/data/node-data';
import type { SizeLimit } from '../core/io/size-limit';
import type { TrainingSpec } from '../core/model/training-spec';

export function jobData(
  request: { model: string; data?: string; labelColumn?: string },
  spec: TrainingSpec,
  limit: SizeLimit,
): NonNullable<ReturnType<typeof modelData>> {
  const chosen = modelData(request.model, spec, limit, request);
  if (!chosen) throw new Error(`${request.model}: no data set; the model's training block names none`);
  return chosen;
}
