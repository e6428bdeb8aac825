// Fix and Save As… for every binary model file: which writer a file gets, and why a file gets none.
import type { ModelSource } from '../formats/reader';
import type { LintConfig } from '../lint/config';
import { fixKeras } from './fix-keras';
import { fixOnnx } from './fix-onnx';
import type { FixResult } from './fix-result';

/** Why Fix and Save As cannot write a file so named, or undefined when it can. */
export function fixNotOffered(fileName: string): string | undefined {
  if (fileName.endsWith('.h5'))
    return (
      'Fix and Save As is not offered for Keras .h5 files: Dropout Lens reads HDF5 but has no HDF5 writer, ' +
      'and it writes no partial file. Save the model as .keras in Keras (model.save("model.keras")) and ' +
      'fix that file, or apply the fixes in your Keras code.'
    );
  if (!fileName.endsWith('.onnx') && !fileName.endsWith('.keras'))
    return 'Fix and Save As writes .onnx and .keras models; JSON models are fixed in the editor with quick fixes.';
  return undefined;
}

/** The fixed file's bytes; the caller checks fixNotOffered first. */
export function fixModelFile(source: ModelSource, config?: LintConfig): FixResult {
  return source.path.endsWith('.keras') ? fixKeras(source, config) : fixOnnx(source, config);
}
