// How layers and shapes read in text: shared by the CLI's inspect report and the model view.
import type { Layer, Shape } from './ir';

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
