// The `dropout-lens` command line. Subcommands live in their own files; this one parses and dispatches.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runInspect } from './inspect-command';
import { runBench } from './bench-command';
import { runExport } from './export-command';
import { runLint } from './lint-command';
import { runMcCommand } from './mc-command';
import { runTrain } from './train-command';
import { cliSizeLimit, UsageError, type CliIo } from './io';
import { commandHelp, isCommandName, overviewHelp } from './usage';
import { VERSION } from './version';

/** The size limit every command that reads files takes. */
const LIMIT_OPTION = { 'max-file-size-mb': { type: 'string' } } as const;

/** Returns the exit code; commands that do asynchronous work (bench) return it as a promise. */
export function main(argv: string[], io: CliIo): number | Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '-h' || command === '--help') {
      io.out(overviewHelp());
      return command === undefined ? 2 : 0;
    }
    if (command === '-v' || command === '--version') {
      io.out(VERSION);
      return 0;
    }
    if (!isCommandName(command)) throw new UsageError(`unknown command "${command}"`);
    if (asksForHelp(rest)) {
      io.out(commandHelp(command));
      return 0;
    }
    if (command === 'lint') {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          format: { type: 'string', default: 'text' },
          config: { type: 'string' },
          category: { type: 'string' },
          threads: { type: 'string' },
          'skip-other-data': { type: 'boolean', default: false },
          ...LIMIT_OPTION,
        },
      });
      return runLint(
        {
          paths: positionals,
          format: values.format,
          limit: cliSizeLimit(values['max-file-size-mb']),
          ...(values.config ? { config: values.config } : {}),
          ...(values.category !== undefined ? { category: values.category } : {}),
          skipOtherData: values['skip-other-data'],
          // The engine worker bundle sits beside this one in dist/.
          workers: { script: join(__dirname, 'worker.js'), ...threadsOption(values.threads) },
        },
        io,
      ).catch((e: unknown) => usageError(e, io));
    }
    if (command === 'inspect') {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { format: { type: 'string', default: 'text' }, ...LIMIT_OPTION },
      });
      return runInspect(
        { paths: positionals, format: values.format, limit: cliSizeLimit(values['max-file-size-mb']) },
        io,
      );
    }
    if (command === 'train') {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          data: { type: 'string' },
          epochs: { type: 'string' },
          seed: { type: 'string' },
          compare: { type: 'boolean', default: false },
          json: { type: 'boolean', default: false },
          out: { type: 'string' },
          workers: { type: 'string' },
          ...LIMIT_OPTION,
        },
      });
      if (positionals.length !== 1) throw new UsageError('train: name exactly one model file');
      const { 'max-file-size-mb': mb, ...options } = values;
      return runTrain({ model: positionals[0] as string, ...options, limit: cliSizeLimit(mb) }, io).catch(
        (e: unknown) => usageError(e, io),
      );
    }
    if (command === 'bench') return runBench(rest, io).catch((e: unknown) => usageError(e, io));
    if (command === 'export') {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          format: { type: 'string' },
          out: { type: 'string' },
          weights: { type: 'string' },
          data: { type: 'string' },
          ...LIMIT_OPTION,
        },
      });
      if (positionals.length !== 1) throw new UsageError('export: name exactly one model file');
      const { 'max-file-size-mb': mb, ...options } = values;
      return runExport({ model: positionals[0] as string, ...options, limit: cliSizeLimit(mb) }, io).catch(
        (e: unknown) => usageError(e, io),
      );
    }
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        data: { type: 'string' },
        passes: { type: 'string' },
        seed: { type: 'string' },
        masks: { type: 'string' },
        engine: { type: 'string' },
        threads: { type: 'string' },
        size: { type: 'string' },
        mean: { type: 'string' },
        std: { type: 'string' },
        layout: { type: 'string' },
        weights: { type: 'string' },
        train: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        ...LIMIT_OPTION,
      },
    });
    if (positionals.length !== 1) throw new UsageError('mc: name exactly one model file');
    const { 'max-file-size-mb': mb, ...options } = values;
    return runMcCommand({ model: positionals[0] as string, ...options, limit: cliSizeLimit(mb) }, io).catch(
      (e: unknown) => usageError(e, io),
    );
  } catch (e) {
    return usageError(e, io);
  }
}

function threadsOption(value: string | undefined): { threads?: number } {
  if (value === undefined) return {};
  const threads = Number(value);
  if (!Number.isInteger(threads) || threads < 1 || threads > 64)
    throw new UsageError(`lint: --threads must be a whole number from 1 to 64, not "${value}"`);
  return { threads };
}

/** `-h` or `--help` anywhere before a `--` (option values never start with a dash: parseArgs refuses those). */
function asksForHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '-h' || a === '--help');
}

/** Usage mistakes exit with 2 and a pointer to --help; anything else is a bug and is rethrown. */
function usageError(e: unknown, io: CliIo): number {
  if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    io.err(`dropout-lens: ${(e as Error).message}\nRun "dropout-lens --help" for usage.`);
    return 2;
  }
  throw e;
}

if (require.main === module) {
  void Promise.resolve(
    main(process.argv.slice(2), {
      out: (t) => process.stdout.write(t + '\n'),
      err: (t) => process.stderr.write(t + '\n'),
      // Progress only where someone watches: a terminal, not a CI log or a pipe.
      ...(process.stderr.isTTY ? { progress: (t: string) => process.stderr.write(`\r${t}\x1b[K`) } : {}),
    }),
  ).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      // A bug, not a finding: exit 2 (as unreadable input does), never 1, which CI reads as "findings".
      process.stderr.write(
        `\ndropout-lens: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
      );
      process.exitCode = 2;
    },
  );
}
