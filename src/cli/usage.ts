// What `dropout-lens --help` and `dropout-lens <command> --help` print: each command's usage is written
// once here, and the overview lists the same text.
import { OWN_ENGINE_MAX_MULTIPLY_ADDS } from '../core/runtimes/open';
import { WORKLOADS } from './bench-command';
import { PARALLEL_MIN_FILES } from './lint-command';

const SIZE_OPTION = `  --max-file-size-mb N  refuse model, weights and CSV files larger than
                        N MB, unread (default 2048)`;

export const COMMAND_USAGE = {
  lint: {
    usage:
      'lint <paths…> [--format text|json|sarif] [--config file] [--category NAME] [--threads N] ' +
      '[--skip-other-data] [--max-file-size-mb N]',
    about: `Lint the dropout in model files (.onnx, TensorFlow.js model.json, Keras .keras and .h5, .nn.json);
folders are walked.
--config: a .dropoutlens.json to use instead of the one nearest each file.
--category: the SARIF run's code-scanning category (default dropout-lens).
--skip-other-data: a model.json or .h5 named here that is other JSON or HDF5 data is left out, as in
folders, instead of an error (for hooks that pass every file so named).
--threads: from ${PARALLEL_MIN_FILES} files on, files are read on N threads (default: the cores, at most 4).
Progress goes to stderr when it is a terminal.
Exit 0: no warning or error. 1: at least one. 2: usage error or unreadable input.`,
    sizeOption: true,
  },
  inspect: {
    usage: 'inspect <file> [--format text|json] [--max-file-size-mb N]',
    about: `Show a model's layers with output shapes, parameter counts and dropout.
Exit 0, or 2 on a usage error or an unreadable file.`,
    sizeOption: true,
  },
  train: {
    usage:
      'train <model> [--data builtin:NAME|file.csv] [--epochs N] [--seed S] [--compare] [--out FILE] [--workers 1|2|auto] [--json]',
    about: `Train the model's network (built-in data: digits, iris, wine, breast_cancer, moons, circles, spiral,
xor); --compare also trains it without dropout from the same seed. --json: one line per epoch.
--out FILE saves the trained weights as JSON, or as an ONNX model when FILE ends in .onnx.
--workers 2 trains data-parallel on two threads (the same result up to float rounding; batch norm and
Gaussian dropout train on one, with the reason on stderr); auto: 2 on a machine with two cores or more
when a batch costs at least 8 M multiply-adds (W1's 784-256-256-10 at batch 64 costs 17 M).`,
    sizeOption: true,
  },
  mc: {
    usage:
      'mc <model> [--data DIR|file.npy|file.npz|file.csv|builtin:NAME] [--size 224[xW]] [--mean a,b,c|imagenet] ' +
      '[--std a,b,c|imagenet] [--layout nchw|nhwc] [--passes T] [--seed S] [--masks fresh|consistent] ' +
      '[--engine auto|own|onnxruntime|tfjs] [--threads N] [--weights FILE] [--train] [--json]',
    about: `MC-dropout uncertainty (T passes, default 30): accuracy, NLL, ECE, entropy, mutual information.
An .nn.json model runs on its validation split of CSV or built-in data. Weights: --weights FILE (JSON
from train --out, or a float32 sidecar), else the model's "weights" sidecar; --train trains it first.
An .onnx, .keras or .h5 file or TensorFlow.js model.json brings its weights and runs on every sample
of --data: a folder of images in class subfolders (PNG, JPEG), an .npy/.npz array (labels from the
.npz's y, or none), a CSV or a built-in set, read a batch at a time. Images are resized to --size, scaled to [0, 1],
normalised by --mean/--std per channel and laid out as --layout; the defaults follow the model's
input shape. Without labels there is no accuracy, NLL or ECE.
--engine: auto takes the own engine when it supports every op and a sample costs at most
${OWN_ENGINE_MAX_MULTIPLY_ADDS / 1e6} M multiply-adds, else onnxruntime (ONNX) or TensorFlow.js;
--threads: the runtime's compute threads. --json adds "engine", "prefix" (layers run once per input,
of all), "labelled", "preprocessing" and "data"; "samples" lists every sample when the model has at
most 20 classes, else the 20 most uncertain with their 20 most probable classes (named by "classes").
Exit 0; 1 when the model has no stochastic layer (mc-no-stochastic-layer); 2 on usage or input errors.`,
    sizeOption: true,
  },
  export: {
    usage:
      'export <model> --format pytorch|keras|onnx --out FILE [--weights FILE] [--data builtin:NAME|file.csv] ' +
      '[--max-file-size-mb N]',
    about: `Write the model's network as the Train panel's Export does: a PyTorch or Keras script with the weights
embedded, or an ONNX model. Weights: --weights FILE (JSON from train --out, or a sidecar), else the model's
"weights" sidecar, else the untrained network's initial weights. Inputs are standardised as training
standardises them: as the train --out run recorded (its data and seed), else from the model's data or
--data. The PyTorch script trains (also under torchrun) and
runs MC dropout itself: python3 FILE --help. The file is replaced if it exists.
Exit 0, or 2 on a usage error or an unreadable model, weights or data file.`,
    sizeOption: true,
  },
  bench: {
    usage: `bench <${Object.keys(WORKLOADS).join('|')}> [options]`,
    about: `Run one of the peer benchmark kit's workloads; prints JSON lines with the kit's field names.
w1: [--workers 1|2]. w3: [--passes T] [--rows N] [--reps N] [--workers N]. w4: [--model PATH] [--reps N].`,
    sizeOption: false,
  },
} as const;

export type CommandName = keyof typeof COMMAND_USAGE;

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMAND_USAGE, name);
}

const indent = (text: string, by: string) => text.replace(/^/gm, by);

/** The overview: every command with what it does, then the options every command shares. */
export function overviewHelp(): string {
  const commands = Object.values(COMMAND_USAGE).map(
    ({ usage, about }) => `  ${usage}\n${indent(about, '      ')}`,
  );
  const sized = Object.entries(COMMAND_USAGE).flatMap(([name, c]) => (c.sizeOption ? [name] : []));
  return `Usage: dropout-lens <command> [options]

Commands:
${commands.join('\n')}

Options:
${SIZE_OPTION}
                        (${sized.join(', ')})
  -h, --help            show this help; "dropout-lens <command> --help" shows one command's
  -v, --version         print the version`;
}

/** One command's usage, for `dropout-lens <command> --help`. */
export function commandHelp(name: CommandName): string {
  const { usage, about, sizeOption } = COMMAND_USAGE[name];
  return `Usage: dropout-lens ${usage}

${about}

Options:
${sizeOption ? `${SIZE_OPTION}\n` : ''}  -h, --help            show this help`;
}
