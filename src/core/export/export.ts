// One entry for every export of a trained (or initialised) network, so the Train panel and
// `dropout-lens export` write the same files: an ONNX model, or a PyTorch or Keras script with the
// weights embedded.
import type { NetworkRecord } from '../model/network-spec';
import type { TrainingSpec } from '../model/training-spec';
import { writeKeras } from './keras-script';
import { writeOnnx } from './onnx-writer';
import { writePytorch } from './pytorch-script';

export const EXPORT_FORMATS = ['pytorch', 'keras', 'onnx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportRun {
  /** The model's name, written into the file. */
  name: string;
  network: NetworkRecord;
  /** The network outputs logits because the loss applied the softmax: the export puts it back. */
  softmaxInLoss: boolean;
  standardization?: { mean: number[]; std: number[] };
  /** The training spec the network was (or is to be) trained with: the PyTorch script's --train defaults. */
  training?: TrainingSpec;
}

/** The file's bytes. */
export function exportRun(format: ExportFormat, run: ExportRun): Uint8Array {
  const options = { name: run.name, softmax: run.softmaxInLoss, standardization: run.standardization };
  if (format === 'onnx') return writeOnnx(run.network, options);
  const script =
    format === 'pytorch'
      ? writePytorch(run.network, { ...options, training: run.training })
      : writeKeras(run.network, options);
  return new TextEncoder().encode(script);
}
