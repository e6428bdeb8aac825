// The `dropout-lens` command line. Subcommands live in their own files; this one parses and dispatches.
import { parseArgs } from 'node:util';
import { runBench, WORKLOADS } from './bench-command';
import { runLint } from './lint-command';
import { UsageError, type CliIo } from './io';

const HELP = `Usage: dropout-lens <command> [options]

Commands:
  lint <paths…> [--format text|json] [--config file]
      Lint the dropout in model files (.onnx, TensorFlow.js model.json, .nn.json); folders are walked.
      Exit 0: no warning or error. 1: at least one. 2: usage error or unreadable input.
  bench <${Object.keys(WORKLOADS).join('|')}> [options]
      Run one of the peer benchmark kit's workloads; prints JSON lines with the kit's field names.

Options:
  -h, --help     show this help
  -v, --version  print the version`;

/** Returns the exit code; commands that do asynchronous work (bench) return it as a promise. */
export function main(argv: string[], io: CliIo): number | Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '-h' || command === '--help') {
      io.out(HELP);
      return command === undefined ? 2 : 0;
    }
    if (command === '-v' || command === '--version') {
      io.out(VERSION);
      return 0;
    }
    if (command === 'lint') {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { format: { type: 'string', default: 'text' }, config: { type: 'string' } },
      });
      return runLint(
        { paths: positionals, format: values.format, ...(values.config ? { config: values.config } : {}) },
        io,
      );
    }
    if (command === 'bench') return runBench(rest, io).catch((e: unknown) => usageError(e, io));
    throw new UsageError(`unknown command "${command}"`);
  } catch (e) {
    return usageError(e, io);
  }
}

/** Usage mistakes exit with 2 and a pointer to --help; anything else is a bug and is rethrown. */
function usageError(e: unknown, io: CliIo): number {
  if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    io.err(`dropout-lens: ${(e as Error).message}\nRun "dropout-lens --help" for usage.`);
    return 2;
  }
  throw e;
}

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : 'dev';

if (require.main === module) {
  void Promise.resolve(
    main(process.argv.slice(2), {
      out: (t) => process.stdout.write(t + '\n'),
      err: (t) => process.stderr.write(t + '\n'),
    }),
  ).then((code) => {
    process.exitCode = code;
  });
}
