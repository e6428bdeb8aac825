// `dropout-lens lint <paths…> [--format text|json|sarif] [--config file]`: exit 0 when no finding is a
// warning or error, 1 when one is, 2 on a usage error or an unreadable input (other files still reported).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isModelFileName } from '../core/formats/model-file-name';
import { loadConfig, nearestConfig } from './config-file';
import { ReusedReadBuffer } from '../core/io/node-files';
import { lintFile } from '../core/lint/lint-file';
import { isOtherFile } from '../core/lint/wire-lint';
import type { SizeLimit } from '../core/io/size-limit';
import { CLI_SIZE_LIMIT, UsageError, type CliIo } from './io';
import { toJsonReport, type JsonFileReport } from './lint-report';
import { toSarif } from './sarif';
import { VERSION } from './version';

export function runLint(
  args: { paths: string[]; format: string; config?: string; limit?: SizeLimit },
  io: CliIo,
): number {
  if (args.paths.length === 0) throw new UsageError('lint: name at least one file or folder');
  if (!['text', 'json', 'sarif'].includes(args.format))
    throw new UsageError(`lint: --format must be text, json or sarif, not "${args.format}"`);
  const config = args.config ? loadConfig(args.config) : undefined;
  const reports: JsonFileReport[] = [];
  let unreadable = false;
  const files = expand(args.paths, io);
  const reader = new ReusedReadBuffer(
    files.map((f) => f.path),
    args.limit ?? CLI_SIZE_LIMIT,
  );
  for (const { path: file, walked } of files) {
    const result = lintFile(file, args.limit ?? CLI_SIZE_LIMIT, () => config ?? nearestConfig(file), reader);
    // A model.json or .h5 found in a folder that no reader takes is other JSON or HDF5 data: left out.
    if (walked && isOtherFile(result)) continue;
    if (result.error) unreadable = true;
    reports.push(toJsonReport(result, file));
  }
  if (args.format === 'json') io.out(JSON.stringify(reports, null, 2));
  else if (args.format === 'sarif') io.out(JSON.stringify(toSarif(reports, VERSION, process.cwd()), null, 2));
  else io.out(formatText(reports));
  if (unreadable) return 2;
  return reports.some((r) => r.findings.some((f) => f.severity === 'error' || f.severity === 'warning'))
    ? 1
    : 0;
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
  for (const r of reports) {
    if (r.error) lines.push(`${r.file}: error: ${r.error}`);
    for (const f of r.findings) {
      count++;
      const at = f.range ? `:${f.range.start.line}:${f.range.start.column}` : '';
      lines.push(`${r.file}${at}: ${f.severity} [${f.rule}] ${f.layer}: ${f.message}`);
    }
  }
  lines.push(
    `${count} finding${count === 1 ? '' : 's'} in ${reports.length} file${reports.length === 1 ? '' : 's'}`,
  );
  return lines.join('\n');
}
