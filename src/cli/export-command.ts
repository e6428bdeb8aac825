// `dropout-lens export <model> --format pytorch|keras|onnx --out FILE [--weights FILE] [--data …]`: writes
// what the Train panel's Export buttons write (core/export/export.ts), for the network the engine builds
// from the model. Weights: --weights (JSON from `train --out`, or a sidecar), else the model's "weights"
// sidecar, else the initial weights a training run of the model starts from (Rng(seed)). The inputs'
// standardisation is the one a `train --out` file recorded, else fitted as training fits it, on the
// training split of the model's data (or --data).
import { writeFileSync } from 'node:fs';
import { fitShape } from '../core/data/dataset';
import { modelData } from '../core/data/node-data';
import { splitAndStandardize } from '../core/data/split';
import { bringsWeights } from '../core/engine/mc/graph';
import { initialNetwork, standardizationOf } from '../core/engine/train/session';
import { applyWeights, readWeights, WeightsFileError } from '../core/engine/weights-file';
import { EXPORT_FORMATS, exportRun, type ExportFormat } from '../core/export/export';
import { openModel } from '../core/formats/detect';
import { nodeModelSource } from '../core/formats/node-model-source';
import type { SizeLimit } from '../core/io/size-limit';
import { trainingSpec } from '../core/model/training-spec';
import { CLI_SIZE_LIMIT, fileError, UsageError, type CliIo } from './io';

export interface ExportArgs {
  model: string;
  format?: string;
  out?: string;
  weights?: string;
  data?: string;
  limit?: SizeLimit;
}

const isFormat = (v: string): v is ExportFormat => (EXPORT_FORMATS as readonly string[]).includes(v);

export async function runExport(args: ExportArgs, io: CliIo): Promise<number> {
  const format = args.format;
  if (format === undefined || !isFormat(format))
    throw new UsageError(`export: --format must be one of ${EXPORT_FORMATS.join(', ')}`);
  if (!args.out) throw new UsageError('export: name the file to write with --out FILE');
  const limit = args.limit ?? CLI_SIZE_LIMIT;
  // The file an error is about: the model, else the weights or output file being read or written.
  let file = args.model;
  try {
    const source = nodeModelSource(args.model, limit);
    const graph = openModel(source);
    if (bringsWeights(graph))
      throw new Error(
        `export writes networks the engine trains (.nn.json models); this ${graph.format} file already is an ` +
          'exported model whose own weights it does not take over',
      );
    const spec = trainingSpec(graph);
    const { network, softmaxInLoss } = initialNetwork(graph, spec);
    const read = await readWeights(graph, source, args.weights ? { path: args.weights, limit } : undefined);
    if (read) {
      file = read.file;
      applyWeights(network, read.data);
    }
    // What train --out recorded of its run, in the file --weights names.
    const trainedOn = args.weights && read?.data.kind === 'named' ? read.data.trainedOn : undefined;
    const width = network.inputShape.reduce((a, b) => a * b, 1);
    const features = trainedOn?.standardization?.mean.length ?? width;
    if (features !== width)
      throw new Error(`a standardisation of ${features} features recorded, the network takes ${width}`);
    file = args.model;
    // The standardisation train --out recorded (on the data and seed that run used) wins over a refit.
    const recorded = trainedOn && !args.data ? trainedOn : undefined;
    const chosen = recorded ? undefined : modelData(args.model, spec, limit, { data: args.data });
    const standardization = recorded
      ? recorded.standardization
      : chosen
        ? standardizationOf(
            splitAndStandardize(fitShape(chosen.data, network.inputShape), spec.validationSplit, spec.seed),
          )
        : undefined;
    const run = {
      name: graph.name,
      network: network.record(),
      softmaxInLoss,
      standardization,
      training: spec,
    };
    // Like train --out, the file named is written (replaced if it exists).
    const text = exportRun(format, run);
    file = args.out;
    writeFileSync(args.out, text);
    io.out(
      `${args.out}: ${graph.name} as ${format}, weights ${read?.file ?? 'initial (untrained)'}, ` +
        (recorded
          ? `inputs standardised as train recorded on ${recorded.data} (seed ${recorded.seed})`
          : chosen
            ? `inputs standardised as on ${chosen.name}`
            : 'inputs not standardised (no data named)'),
    );
    return 0;
  } catch (e) {
    io.err(fileError(e instanceof WeightsFileError ? e.file : file, e));
    return 2;
  }
}
