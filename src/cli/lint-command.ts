// `dropout-lens lint <paths…> [--format text|json|sarif] [--config file]`: exit 0 when no finding is a
// warning or error, 1 when one is, 2 on a usage error or an unreadable input (other files still reported).
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { isModelFileName } from '../core/formats/model-file-name';
import { loadConfig, nearestConfigs } from './config-file';
import { ReusedReadBuffer } from '../core/io/node-files';
import type { LintConfig } from '../core/lint/config';
import { lintFile } from '../core/lint/lint-file';
import { isOtherFile, type WireLintResult } from '../core/lint/wire-lint';
import type { SizeLimit } from '../core/io/size-limit';
import { CLI_SIZE_LIMIT, UsageError, type CliIo } from './io';
import { lintInWorkers } from './lint-pool';
import { toJsonReport, type JsonFileReport } from './lint-report';
import { toSarif } from './sarif';
import { VERSION } from './version';

/** Below this many files, starting threads (about 0.3 s each) costs more than it saves. */
export const PARALLEL_MIN_FILES = 200;

export interface LintArgs {
  paths: string[];
  format: string;
  config?: string;
  /** SARIF only: the code-scanning category. */
  category?: string;
  /** Named files that are other JSON or HDF5 data are left out as walked ones are (hooks name every match). */
  skipOtherData?: boolean;
  limit?: SizeLimit;
  /** The worker bundle (dist/worker.js) and how many threads (default: the cores, at most 4); none: in-process. */
  workers?: { script: string; threads?: number };
}

export async function runLint(args: LintArgs, io: CliIo): Promise<number> {
  if (args.paths.length === 0) throw new UsageError('lint: name at least one file or folder');
  if (!['text', 'json', 'sarif'].includes(args.format))
    throw new UsageError(`lint: --format must be text, json or sarif, not "${args.format}"`);
  if (args.category !== undefined && (args.format !== 'sarif' || args.category === ''))
    throw new UsageError('lint: --category names the SARIF run category (non-empty, with --format sarif)');
  const config = args.config ? loadConfig(args.config) : undefined;
  const files = expand(args.paths, io);
  const paths = files.map((f) => f.path);
  const configOf = config ? () => config : nearestConfigs();
  const threads = args.workers?.threads ?? Math.min(availableParallelism(), 4);
  const results =
    args.workers && threads > 1 && files.length >= PARALLEL_MIN_FILES
      ? await lintParallel(paths, configOf, args.limit ?? CLI_SIZE_LIMIT, args.workers.script, threads, io)
      : lintSerially(paths, configOf, args.limit ?? CLI_SIZE_LIMIT, io);
  io.progress?.('');
  const reports: JsonFileReport[] = [];
  let unreadable = false;
  files.forEach(({ path: file, walked }, i) => {
    const result = results[i] as WireLintResult;
    // A model.json or .h5 found in a folder that no reader takes is other JSON or HDF5 data: left out.
    if ((walked || args.skipOtherData) && isOtherFile(result)) return;
    if (result.error) unreadable = true;
    reports.push(toJsonReport(result, file));
  });
  if (args.format === 'json') io.out(JSON.stringify(reports, null, 2));
  else if (args.format === 'sarif')
    io.out(
      JSON.stringify(
        toSarif(reports, VERSION, process.cwd(), args.category ? { category: args.category } : {}),
        null,
        2,
      ),
    );
  else io.out(formatText(reports));
  if (unreadable) return 2;
  return reports.some((r) => r.findings.some((f) => f.severity === 'error' || f.severity === 'warning'))
    ? 1
    : 0;
}

function lintSerially(
  files: string[],
  configOf: (file: string) => LintConfig | undefined,
  limit: SizeLimit,
  io: CliIo,
): WireLintResult[] {
  const reader = new ReusedReadBuffer(files, limit);
  const progress = progressLine(files.length, io);
  return files.map((file, i) => {
    // The config is looked up inside lintFile's guard: a broken one is this file's error.
    const result = lintFile(file, limit, () => configOf(file), reader);
    progress(i + 1);
    return result;
  });
}

/**
 * Files whose config cannot be read are linted here, where lintFile reports it as their error exactly
 * as the serial path does; the others go to the threads with their config.
 */
async function lintParallel(
  files: string[],
  configOf: (file: string) => LintConfig | undefined,
  limit: SizeLimit,
  script: string,
  threads: number,
  io: CliIo,
): Promise<WireLintResult[]> {
  const results = new Array<WireLintResult>(files.length);
  const pooled: number[] = [];
  const configs: LintConfig[] = [];
  const none: LintConfig = { rules: {} };
  files.forEach((file, i) => {
    try {
      configs.push(configOf(file) ?? none);
      pooled.push(i);
    } catch {
      results[i] = lintFile(file, limit, () => configOf(file));
    }
  });
  const progress = progressLine(files.length, io);
  const inPool = await lintInWorkers(
    pooled.map((i) => files[i] as string),
    configs,
    { script, threads, limit, onResult: (done) => progress(files.length - pooled.length + done) },
  );
  pooled.forEach((fileIndex, i) => (results[fileIndex] = inPool[i] as WireLintResult));
  return results;
}

/** "linted N/M files" at most every 100 ms, where the CLI shows progress (stderr is a terminal). */
function progressLine(total: number, io: CliIo): (done: number) => void {
  let shown = 0;
  return (done) => {
    if (!io.progress || (Date.now() - shown < 100 && done < total)) return;
    shown = Date.now();
    io.progress(`dropout-lens: linted ${done}/${total} files`);
  };
}

/** Files named directly are always linted; folders are walked for model file names (not node_modules). */
function expand(paths: string[], io: CliIo): { path: string; walked: boolean }[] {
  const files: { path: string; walked: boolean }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && isModelFileName(entry.name)) files.push({ path: full, walked: true });
    }
  };
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      io.err(`dropout-lens: ${p}: no such file or folder`);
      files.push({ path: p, walked: false });
      continue;
    }
    if (isDir) walk(p);
    else files.push({ path: p, walked: false });
  }
  return files;
}

function formatText(reports: JsonFileReport[]): string {
  const lines: string[] = [];
  let count = 0;
  let unreadable = 0;
  for (const r of reports) {
    if (r.error) {
      unreadable++;
      // The report's error names the file (for JSON readers); the line names it once, in front.
      const message = r.error.startsWith(`${r.file}: `) ? r.error.slice(r.file.length + 2) : r.error;
      lines.push(`${r.file}: error: ${message}`);
    }
    for (const f of r.findings) {
      count++;
      const at = f.range ? `:${f.range.start.line}:${f.range.start.column}` : '';
      lines.push(`${r.file}${at}: ${f.severity} [${f.rule}] ${f.layer}: ${f.message}`);
    }
  }
  lines.push(
    `${count} finding${count === 1 ? '' : 's'} in ${reports.length} file${reports.length === 1 ? '' : 's'}` +
      (unreadable > 0 ? `, ${unreadable} of them not read` : ''),
  );
  return lines.join('\n');
}
