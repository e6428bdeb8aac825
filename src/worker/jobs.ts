// Job handlers by kind. Each checks `isCancelled` between units of work and yields to the event loop
// so a cancel message is seen promptly.
import type { JobKind, Jobs } from '../protocol/worker';
import type { JobContext } from './job-context';
import { lintFiles } from './lint-job';
import { modelInput } from './job-data';
import { mcJob } from './mc-job';
import { evaluateModel, trainJob } from './train-job';
import { layerWeights, modelView } from './model-job';
import { faultJob, probeJob } from './test-hooks';

type Handler<K extends JobKind> = (
  request: Jobs[K]['request'],
  context: JobContext,
) => Promise<Jobs[K]['result']>;

export const JOB_HANDLERS: { [K in JobKind]: Handler<K> } = {
  lint: lintFiles,
  train: trainJob,
  evaluate: evaluateModel,
  model: modelView,
  weights: layerWeights,
  mc: mcJob,
  modelInput,
  fault: faultJob,
  probe: probeJob,
};
