// How a model file says it is meant for MC (Monte Carlo) inference, where randomness at inference is the
// point: ONNX `metadata_props` and TensorFlow.js `userDefinedMetadata` hold the key below, `.nn.json` marks
// its dropout layers with `mcDropout`, and `.dropoutlens.json` lists files under `mcModels`. Readers and
// the linter record the mark in `Graph.meta.mcModel` as the words that say where it comes from.
import type { Graph, ModelFormat } from './ir';

export const MC_MARKER_KEY = 'dropout_lens.mc_dropout';

/** A metadata value that marks the model: true, or the text "true" (ONNX metadata values are strings). */
function isMcMarkerValue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}

/**
 * The meta entry a reader adds when the file's own metadata (`where`: "metadata_props",
 * "userDefinedMetadata") marks the model, else nothing.
 */
export function mcMarkFromMetadata(metadata: unknown, where: string): { mcModel?: string } {
  const value =
    typeof metadata === 'object' && metadata !== null
      ? (metadata as Record<string, unknown>)[MC_MARKER_KEY]
      : undefined;
  return isMcMarkerValue(value) ? { mcModel: `${where} ${MC_MARKER_KEY}` } : {};
}

/** Where the graph's MC mark comes from, or undefined when it has none. */
export function mcMarkOf(graph: Graph): string | undefined {
  const mark = graph.meta.mcModel;
  if (typeof mark === 'string') return mark;
  // A dropout layer the file keeps on at inference: .nn.json `mcDropout`, a Keras call with training=True.
  if (!graph.layers.some((l) => l.dropout?.mode === 'always')) return undefined;
  return graph.format === 'nn-json'
    ? '"mcDropout": true on a dropout layer'
    : 'a dropout layer called with training=True';
}

/** How to mark a model of this format, as the next step a message offers. */
export function mcMarkerHint(format: ModelFormat): string {
  const config = 'or list the file under "mcModels" in .dropoutlens.json';
  switch (format) {
    case 'onnx':
      return `add the metadata_props entry ${MC_MARKER_KEY} = true to the file, ${config}`;
    case 'tfjs-layers':
    case 'tfjs-graph':
      return `add "${MC_MARKER_KEY}": true to "userDefinedMetadata" in model.json, ${config}`;
    case 'nn-json':
      return 'set "mcDropout": true on the dropout layers meant for MC inference';
    case 'keras':
    case 'keras-h5':
      return `call the dropout layers with training=True in the Keras model, ${config}`;
  }
}
