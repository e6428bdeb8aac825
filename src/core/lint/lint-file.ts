// Lints one local file into plain data, for the CLI and the worker's Lint Workspace: a file that cannot be
// read becomes a result with an error, so the other files are still reported.
import { resolve } from 'node:path';
import { nodeModelSource } from '../formats/node-model-source';
import { namingFile } from '../io/file-message';
import type { ReusedReadBuffer } from '../io/node-files';
import type { SizeLimit } from '../io/size-limit';
import type { LintConfig } from './config';
import { lintSource } from './lint-source';
import { toWireLintResult, type WireLintResult } from './wire-lint';

/**
 * `config` may be a function: it runs inside the guard, so a broken config file is this file's error.
 * `reader`: one buffer for the files of a run, so only one model's bytes are held at a time.
 */
export function lintFile(
  path: string,
  limit: SizeLimit,
  config?: LintConfig | (() => LintConfig | undefined),
  reader?: ReusedReadBuffer,
): WireLintResult {
  try {
    const source = nodeModelSource(path, limit, reader?.read(path, limit));
    return toWireLintResult(
      lintSource(source, typeof config === 'function' ? config() : config, resolve(path)),
    );
  } catch (e) {
    return { path, findings: [], error: { message: namingFile(path, (e as Error).message) } };
  }
}
