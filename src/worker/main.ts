// The engine worker (worker_threads): runs jobs off the extension host's thread, streams progress,
// honours cancellation between units of work, and reports every failure as a message.
import { parentPort } from 'node:worker_threads';
import type { FromWorker, JobKind, Jobs, ToWorker } from '../protocol/worker-messages';
import { JOB_HANDLERS, type JobContext } from './jobs';

const port = parentPort;
if (!port) throw new Error('dropout-lens worker: must run in a worker thread');

const cancelled = new Set<number>();
const post = (message: FromWorker) => port.postMessage(message);

port.on('message', (message: ToWorker) => {
  if (message.type === 'cancel') {
    cancelled.add(message.jobId);
    return;
  }
  const { jobId } = message;
  const context: JobContext = {
    isCancelled: () => cancelled.has(jobId),
    progress: (progress) => post({ type: 'progress', jobId, progress }),
  };
  // TypeScript cannot correlate `kind` with `request` across the union; the protocol guarantees it.
  const handler = JOB_HANDLERS[message.kind] as (
    request: Jobs[JobKind]['request'],
    context: JobContext,
  ) => Promise<Jobs[JobKind]['result']>;
  Promise.resolve()
    .then(() => handler(message.request, context))
    .then(
      (result) =>
        post(context.isCancelled() ? { type: 'cancelled', jobId } : { type: 'done', jobId, result }),
      (e: unknown) => post({ type: 'error', jobId, message: e instanceof Error ? e.message : String(e) }),
    )
    .finally(() => cancelled.delete(jobId));
});
