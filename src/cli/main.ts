// The `dropout-lens` command line. Subcommands live in their own files; this one parses and dispatches.
import { parseArgs } from 'node:util';
import { runInspect } from './inspect-command';
import { runBench, WORKLOADS } from './bench-command';
import { runLint } from './lint-command';
import { runMcCommand } from './mc-command';
import { runTrain } from './train-command';
import { cliSizeLimit, UsageError, type CliIo } from './io';
import { VERSION } from './version';

const HELP = `Usage: dropout-lens <command> [options]

Commands:
  lint <paths…> [--format text|json|sarif] [--config file]
      Lint the dropout in model files (.onnx, TensorFlow.js model.json, .nn.json); folders are walked.
      Exit 0: no warning or error. 1: at least one. 2: usage error or unreadable input.
  inspect <file> [--format text|json]
      Show a model's layers with output shapes, parameter counts and dropout.
      Exit 0, or 2 on a usage error or an unreadable file.
  train <model> [--data builtin:NAME|file.csv] [--epochs N] [--seed S] [--compare] [--out FILE] [--json]
      Train the model's network (built-in data: digits, iris, wine, breast_cancer, moons, circles, spiral,
      xor); --compare also trains it without dropout from the same seed. --json: one line per epoch.
      --out FILE saves the trained weights as JSON, or as an ONNX model when FILE ends in .onnx.
  bench <${Object.keys(WORKLOADS).join('|')}> [options]
      Run one of the peer benchmark kit's workloads; prints JSON lines with the kit's field names.
  mc <model> [--data …] [--passes T] [--seed S] [--masks fresh|consistent] [--weights FILE] [--train] [--json]
      MC-dropout uncertainty (T passes, default 30) on the validation split: accuracy, NLL, ECE, entropy,
      mutual information per sample. Weights: --weights FILE (JSON from train --out, or a float32 sidecar),
      else the model's "weights" sidecar; --train trains the model first with its training spec.
      An .onnx file or TensorFlow.js model.json runs with its own weights on every row of --data.
      Exit 0; 1 when the model has no stochastic layer (mc-no-stochastic-layer); 2 on usage or input errors.

Options:
  --max-file-size-mb N  (lint, inspect, train, mc) refuse model, weights and CSV files larger than
                        N MB, unread (default 2048)
  -h, --help            show this help
  -v, --version         print the version`;

/** The size limit every command that reads files takes. */
const LIMIT_OPTION = { 'max-file-size-mb': { type: 'string' } } as const;

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
        options: { format: { type: 'string', default: 'text' }, config: { type: 'string' }, ...LIMIT_OPTION },
      });
      return runLint(
        {
          paths: positionals,
          format: values.format,
          limit: cliSizeLimit(values['max-file-size-mb']),
          ...(values.config ? { config: values.config } : {}),
        },
        io,
      );
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
    if (command === 'mc') {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          data: { type: 'string' },
          passes: { type: 'string' },
          seed: { type: 'string' },
          masks: { type: 'string' },
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
    }
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
