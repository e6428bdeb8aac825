// Lints many files (Lint Workspace): one file at a time, a progress message per file.
import { ReusedReadBuffer } from '../core/io/node-files';
import { lintFile } from '../core/lint/lint-file';
import type { Jobs } from '../protocol/worker';
import type { JobContext } from './job-context';

export async function lintFiles(
  request: Jobs['lint']['request'],
  context: JobContext,
): Promise<Jobs['lint']['result']> {
  let findings = 0;
  let errors = 0;
  let done = 0;
  const reader = new ReusedReadBuffer(request.files, context.limit);
  for (const file of request.files) {
    if (context.isCancelled()) break;
    const result = lintFile(file, context.limit, request.config, reader);
    findings += result.findings.length;
    if (result.error) errors++;
    context.progress({ done: ++done, total: request.files.length, result });
    await new Promise((r) => setImmediate(r));
  }
  return { files: done, findings, errors };
}
