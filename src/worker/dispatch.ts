// The worker's message handler, apart from the thread so it can be tested: validates each message, runs
// the job with cancellation and progress, and turns every outcome into one reply. A malformed message
// with a job id gets an error reply (its sender is waiting); one without is logged and dropped.
import type { SizeLimit } from '../core/io/size-limit';
import { DEFAULT_SIZE_LIMIT } from '../core/io/size-limit';
import { parseToWorker } from '../protocol/worker';
import type { FromWorker, JobKind, Jobs } from '../protocol/worker';
import type { JobContext } from './job-context';
import type { JOB_HANDLERS } from './jobs';

export function createDispatcher(
  post: (message: FromWorker) => void,
  handlers: typeof JOB_HANDLERS,
  log: (message: string) => void,
): (message: unknown) => void {
  const running = new Set<number>();
  /** Running jobs asked to stop. A cancel for a job that is not running (it just ended) is dropped. */
  const cancelled = new Set<number>();
  return (raw: unknown) => {
    const parsed = parseToWorker(raw);
    if ('error' in parsed) {
      log(`dropout-lens worker: ignored a malformed message: ${parsed.error}`);
      if (parsed.jobId !== undefined) post({ type: 'error', jobId: parsed.jobId, message: parsed.error });
      return;
    }
    const message = parsed.message;
    if (message.type === 'cancel') {
      if (running.has(message.jobId)) cancelled.add(message.jobId);
      return;
    }
    const { jobId } = message;
    running.add(jobId);
    const limit: SizeLimit = {
      bytes: message.maxFileBytes ?? DEFAULT_SIZE_LIMIT.bytes,
      setting: message.limitSetting ?? DEFAULT_SIZE_LIMIT.setting,
    };
    const context: JobContext = {
      isCancelled: () => cancelled.has(jobId),
      progress: (progress) => post({ type: 'progress', jobId, progress }),
      limit,
    };
    // The message pairs kind and request; TypeScript cannot correlate the two through the lookup.
    const handler = handlers[message.kind] as (
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
      .finally(() => {
        running.delete(jobId);
        cancelled.delete(jobId);
      });
  };
}
