// Lints many files (Lint Workspace): one file at a time, a progress message per file.
import { ReusedReadBuffer } from '../core/io/node-files';
import { lintFile } from '../core/lint/lint-file';
import { isOtherFile } from '../core/lint/wire-lint';
import type { Jobs } from '../protocol/worker';
import type { JobContext } from './job-context';

export async function lintFiles(
  request: Jobs['lint']['request'],
  context: JobContext,
): Promise<Jobs['lint']['result']> {
  let models = 0;
  let findings = 0;
  let errors = 0;
  let done = 0;
  const reader = new ReusedReadBuffer(request.files, context.limit);
  for (const file of request.files) {
    if (context.isCancelled()) break;
    const result = lintFile(file, context.limit, request.config, reader);
    // Found by its name (model.json, .h5) but other data: not a model file, nor one that failed.
    if (!isOtherFile(result)) {
      models++;
      findings += result.findings.length;
      if (result.error) errors++;
    }
    context.progress({ done: ++done, total: request.files.length, result });
    await new Promise((r) => setImmediate(r));
  }
  return { files: models, findings, errors };
}
