// How layers and shapes read in text: shared by the CLI's inspect report and the model view.
import type { DropoutSpec, Layer, Shape } from './ir';

/** The normalised op as DESIGN.md writes it: dense, activation(relu), elementwise(Sub), unknown(MyOp) ... */
export function opLabel(layer: Layer): string {
  if (layer.op === 'activation' && layer.activation) return `activation(${layer.activation})`;
  if (layer.op === 'unknown') return `unknown(${layer.originalOp})`;
  if (layer.op === 'elementwise') return `elementwise(${layer.originalOp})`;
  return layer.op;
}

/** `[?, 28, 28, 1]`; unknown dimensions print as `?`, an unknown shape as `?`. */
export function shapeText(shape: Shape | null | undefined): string {
  return shape ? `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]` : '?';
}

const RNN_DROPOUT: Record<string, string> = {
  dropout: 'input dropout',
  recurrent_dropout: 'recurrent dropout',
};

/**
 * An RNN's `dropout` (on its inputs) and `recurrent_dropout` (on its state) as Keras applies them: each
 * draws one mask per sequence and reuses it at every timestep (Keras 2 DropoutRNNCellMixin and Keras 3
 * DropoutRNNCell cache the mask for the whole call; so do tfjs-layers' cells).
 */
export function rnnDropoutLabel(spec: DropoutSpec): { name: string; note: string } | undefined {
  const name = RNN_DROPOUT[spec.origin.property ?? ''];
  return name ? { name, note: 'one mask per sequence' } : undefined;
}

/** Dropout inside a layer that does something: an RNN's dropout at rate 0 is no dropout at all. */
export const shownInnerDropout = (specs: readonly DropoutSpec[] | undefined): DropoutSpec[] =>
  (specs ?? []).filter((d) => !(rnnDropoutLabel(d) && d.rate === 0));
