// Lints many files (Lint Workspace): one file at a time, a progress message per file.
import { lintSource } from '../core/lint/lint-source';
import { nodeModelSource } from '../core/formats/node-model-source';
import { toWireLintResult } from '../core/lint/wire-lint';
import type { Jobs } from '../protocol/worker';
import type { JobContext } from './job-context';

export async function lintFiles(
  request: Jobs['lint']['request'],
  context: JobContext,
): Promise<Jobs['lint']['result']> {
  let findings = 0;
  let errors = 0;
  let done = 0;
  for (const file of request.files) {
    if (context.isCancelled()) break;
    let bytes: Uint8Array | undefined;
    let result;
    try {
      const source = nodeModelSource(file, context.limit);
      bytes = source.bytes;
      result = toWireLintResult(lintSource(source, request.config), bytes);
    } catch (e) {
      result = { path: file, findings: [], error: { message: `${file}: ${(e as Error).message}` } };
    }
    findings += result.findings.length;
    if (result.error) errors++;
    context.progress({ done: ++done, total: request.files.length, result });
    await new Promise((r) => setImmediate(r));
  }
  return { files: done, findings, errors };
}
