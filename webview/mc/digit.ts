// A sample of the 8×8 digits data set as a small grey-scale picture, darkest = largest, as the data set
// is drawn in its source. An image, not a chart: a canvas of side² cells.
import { h } from '../shared/dom';

const PX = 48;

export function digitImage(values: number[], side: number): HTMLCanvasElement {
  const canvas = h('canvas', { width: PX, height: PX, class: 'digit', role: 'img' });
  canvas.setAttribute('aria-label', `${side}×${side} image`);
  const ctx = canvas.getContext('2d');
  if (!ctx) return canvas;
  const cell = PX / side;
  const max = Math.max(...values, 1e-9);
  values.forEach((v, i) => {
    const g = Math.round(255 * (1 - Math.max(0, v) / max));
    ctx.fillStyle = `rgb(${g},${g},${g})`;
    ctx.fillRect((i % side) * cell, Math.floor(i / side) * cell, cell, cell);
  });
  return canvas;
}
