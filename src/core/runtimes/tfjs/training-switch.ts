// Which tfjs layers are random in MC dropout, and the switch that makes them so. A tfjs layer reads one
// `training` flag from its call's kwargs, and `model.apply(x, { training: true })` hands the same flag to
// every layer: dropout would draw masks, but BatchNormalization would also normalise by the batch's own
// statistics (MC dropout keeps its moving averages: RULES.md's mc-batchnorm-in-train-mode). So each leaf
// layer's `call` is wrapped to see its own flag: true for the dropout family and RNNs with dropout during
// a stochastic pass, false for everything else, always.
import type { layers } from '@tensorflow/tfjs-layers';

type Layer = layers.Layer;

/** The fields of tfjs layers this reads; every one is public in tfjs-layers' JavaScript. */
interface LayerFields {
  rate?: number;
  seed?: number;
  stddev?: number;
  cell?: { dropout?: number; recurrentDropout?: number };
  forwardLayer?: Layer;
  layer?: Layer;
  layers?: Layer[];
}

const fields = (layer: Layer) => layer as unknown as LayerFields;
const between = (v: number | undefined) => v !== undefined && v > 0 && v < 1;

const DROPOUT_FAMILY = new Set([
  'Dropout',
  'SpatialDropout1D',
  'SpatialDropout2D',
  'SpatialDropout3D',
  'GaussianDropout',
  'AlphaDropout',
]);

/** A nested model (a layers model used as a layer): its layers are switched one by one. */
export const isNestedModel = (layer: Layer): boolean => Array.isArray(fields(layer).layers);

/** The layer draws random numbers in training mode (for a nested model: one of its layers does). */
export function isStochastic(layer: Layer): boolean {
  const f = fields(layer);
  if (f.layers) return f.layers.some(isStochastic);
  const cls = layer.getClassName();
  if (DROPOUT_FAMILY.has(cls)) return between(f.rate);
  if (cls === 'GaussianNoise') return (f.stddev ?? 0) > 0;
  if (f.cell) return between(f.cell.dropout) || between(f.cell.recurrentDropout);
  // Bidirectional and TimeDistributed: random when the layer they wrap is.
  const wrapped = f.forwardLayer ?? f.layer;
  return wrapped !== undefined && isStochastic(wrapped);
}

/** The leaf layers of a model, nested models opened. */
export function leafLayers(layers: Layer[]): Layer[] {
  return layers.flatMap((l) => (isNestedModel(l) ? leafLayers(fields(l).layers ?? []) : [l]));
}

/** Set `stochastic` to true for an MC pass; it starts false (inference everywhere). */
export interface TrainingSwitch {
  stochastic: boolean;
}

/** Wraps the `call` of every leaf layer of `layers` so it sees the training flag the switch says. */
export function installTrainingSwitch(layers: Layer[]): TrainingSwitch {
  const state: TrainingSwitch = { stochastic: false };
  for (const layer of leafLayers(layers)) {
    const random = isStochastic(layer);
    // A Keras Dropout saved with a seed hands it to tf.dropout on every call, which then draws the same
    // mask every pass (mutual information 0); without it the masks come from the run's seeded generator.
    if (random && fields(layer).seed !== undefined) fields(layer).seed = undefined;
    const call = layer.call.bind(layer);
    layer.call = (inputs, kwargs) => call(inputs, { ...kwargs, training: random && state.stochastic });
  }
  return state;
}
