// Which kind of TensorFlow.js model.json a file is. Both tfjs readers ask this one function, so the
// overlap between them is settled here: the `format` field first, then the shape of `modelTopology`
// (older layers models have no `format`; their topology is a Keras config with `class_name`).
import { sourceText, type ModelSource } from '../reader';
import { looksLikeJsonObject } from '../json-text';

export type TfjsKind = 'layers-model' | 'graph-model';

/** model.json files are topology only (weights live in shards); anything larger is not one. */
const MAX_SNIFF_BYTES = 64 << 20;

export function sniffTfjs(source: ModelSource): TfjsKind | undefined {
  const { bytes } = source;
  if (bytes.length > MAX_SNIFF_BYTES || !looksLikeJsonObject(bytes)) return undefined;
  const text = sourceText(source);
  if (!/"modelTopology"\s*:/.test(text)) return undefined;
  const format = /"format"\s*:\s*"(layers-model|graph-model)"/.exec(text)?.[1];
  if (format === 'layers-model' || format === 'graph-model') return format;
  if (/"(class_name|model_config)"\s*:/.test(text)) return 'layers-model';
  if (/"node"\s*:\s*\[/.test(text)) return 'graph-model';
  return undefined;
}
