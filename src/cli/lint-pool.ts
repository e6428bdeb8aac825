// Lints many files on worker threads for `dropout-lens lint`: the engine worker bundle's lint job (the
// one Lint Workspace runs), a chunk of files per job, one job at a time per thread, the next chunk to
// whichever thread finishes first. Results come back in the files' order, whatever the threads' timing.
import { Worker } from 'node:worker_threads';
import type { LintConfig } from '../core/lint/config';
import type { WireLintResult } from '../core/lint/wire-lint';
import type { SizeLimit } from '../core/io/size-limit';
import { isFromWorker, type Jobs, type ToWorker } from '../protocol/worker';

/**
 * Files per job: large enough that a job's message and start cost little against its files, small
 * enough that the threads end close together and a worker holds few results at a time.
 */
const CHUNK = 64;

export interface LintPoolOptions {
  /** dist/worker.js */
  script: string;
  threads: number;
  limit: SizeLimit;
  /** Called once a file's result is in, with the number of files done. */
  onResult?: (done: number) => void;
}

/** `files[i]` is linted with `configs[i]`; consecutive files with the same config share jobs. */
export async function lintInWorkers(
  files: string[],
  configs: LintConfig[],
  options: LintPoolOptions,
): Promise<WireLintResult[]> {
  const chunks: { start: number; end: number }[] = [];
  for (let start = 0; start < files.length;) {
    let end = start + 1;
    while (end < files.length && end - start < CHUNK && configs[end] === configs[start]) end++;
    chunks.push({ start, end });
    start = end;
  }
  const results = new Array<WireLintResult>(files.length);
  let next = 0;
  let done = 0;
  const workers: Worker[] = [];
  const runThread = (worker: Worker) =>
    new Promise<void>((resolve, reject) => {
      let chunk: { start: number; end: number } | undefined;
      const send = () => {
        chunk = chunks[next++];
        if (!chunk) {
          resolve();
          return;
        }
        const message: ToWorker = {
          type: 'start',
          jobId: next,
          kind: 'lint',
          request: { files: files.slice(chunk.start, chunk.end), config: configs[chunk.start] as LintConfig },
          maxFileBytes: options.limit.bytes,
          limitSetting: options.limit.setting,
        };
        worker.postMessage(message);
      };
      worker.on('message', (message: unknown) => {
        if (!isFromWorker(message) || !chunk) return reject(new Error('lint worker: unexpected message'));
        if (message.type === 'progress') {
          const { done: n, result } = message.progress as Jobs['lint']['progress'];
          results[chunk.start + n - 1] = result;
          options.onResult?.(++done);
        } else if (message.type === 'done') send();
        else reject(new Error(`lint worker: ${message.type === 'error' ? message.message : message.type}`));
      });
      worker.on('error', reject);
      worker.on('exit', (code) => reject(new Error(`lint worker: exited with code ${code}`)));
      send();
    });
  try {
    const threads = Math.max(1, Math.min(options.threads, chunks.length));
    for (let i = 0; i < threads; i++) workers.push(new Worker(options.script));
    await Promise.all(workers.map(runThread));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
