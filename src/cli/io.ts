/** Where the CLI writes; tests pass their own to capture output. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** A mistake in the command line: exit code 2 with the message and a pointer to --help. */
export class UsageError extends Error {}
