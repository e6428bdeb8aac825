import { namingFile } from '../core/io/file-message';
import { DEFAULT_SIZE_LIMIT, sizeLimitFromMegabytes, type SizeLimit } from '../core/io/size-limit';

/** Where the CLI writes; tests pass their own to capture output. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** A status line that replaces the previous one ('' clears it); only set when stderr is a terminal. */
  progress?(text: string): void;
}

/** A mistake in the command line: exit code 2 with the message and a pointer to --help. */
export class UsageError extends Error {}

/** The CLI's file size limit: the extension's default, raised or lowered with --max-file-size-mb. */
export const CLI_SIZE_LIMIT: SizeLimit = { ...DEFAULT_SIZE_LIMIT, setting: '--max-file-size-mb' };

export function cliSizeLimit(value: string | undefined): SizeLimit {
  if (value === undefined) return CLI_SIZE_LIMIT;
  const mb = Number(value);
  if (!Number.isFinite(mb) || mb <= 0)
    throw new UsageError(`--max-file-size-mb must be a positive number of megabytes, not "${value}"`);
  return sizeLimitFromMegabytes(mb, CLI_SIZE_LIMIT.setting);
}

/** "dropout-lens: FILE: message", naming the file once (namingFile). */
export function fileError(file: string, e: unknown): string {
  return `dropout-lens: ${namingFile(file, e instanceof Error ? e.message : String(e))}`;
}
