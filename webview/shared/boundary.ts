// The decision boundary on 2-D data as a canvas heatmap: each grid cell in its predicted class's colour,
// paler where the network is less sure, with the training points on top. The Train panel draws it as
// training goes; the MC panel paints its uncertainty maps with the same cell and point drawing. A
// heatmap of thousands of cells is an image, not a chart: uPlot has no such plot, so it is a canvas.
import type { BoundaryGrid } from '../../src/protocol/train-panel';
import { chartColour } from './chart';

const CLASS_COLOURS = [0, 1, 2, 3, 4, 5];

export type Rgba = [number, number, number, number];

/** A CSS colour as RGB (the canvas resolves theme colours of any syntax). */
export function rgb(colour: string): [number, number, number] {
  const ctx = document.createElement('canvas').getContext('2d');
  if (!ctx) return [128, 128, 128];
  ctx.fillStyle = colour;
  ctx.fillRect(0, 0, 1, 1);
  const [r = 128, g = 128, b = 128] = ctx.getImageData(0, 0, 1, 1).data;
  return [r, g, b];
}

const classColours = () => CLASS_COLOURS.map((i) => rgb(chartColour(i)));

/** Fills a square canvas with the grid's cells (row 0 at the bottom), then draws the points on top. */
export function paintGrid(
  canvas: HTMLCanvasElement,
  grid: BoundaryGrid,
  cellColour: (cell: number) => Rgba,
): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const size = canvas.width;
  const image = ctx.createImageData(size, size);
  for (let py = 0; py < size; py++)
    for (let px = 0; px < size; px++) {
      const r = Math.min(grid.size - 1, Math.floor(((size - 1 - py) / size) * grid.size));
      const c = Math.min(grid.size - 1, Math.floor((px / size) * grid.size));
      image.data.set(cellColour(r * grid.size + c), 4 * (py * size + px));
    }
  ctx.putImageData(image, 0, 0);
  const colours = classColours();
  const [x0, x1, y0, y1] = grid.extent;
  for (const [x, y, label] of grid.points) {
    const [cr, cg, cb] = colours[label % colours.length] as [number, number, number];
    ctx.beginPath();
    ctx.arc(((x - x0) / (x1 - x0)) * size, size - ((y - y0) / (y1 - y0)) * size, 3, 0, 2 * Math.PI);
    ctx.fillStyle = `rgb(${cr},${cg},${cb})`;
    ctx.fill();
    ctx.strokeStyle = getComputedStyle(document.body).color;
    ctx.lineWidth = 0.8;
    ctx.stroke();
  }
}

export function drawBoundary(canvas: HTMLCanvasElement, grid: BoundaryGrid): void {
  const colours = classColours();
  paintGrid(canvas, grid, (cell) => {
    const [cr, cg, cb] = colours[(grid.cls[cell] ?? 0) % colours.length] as [number, number, number];
    // Probability 1/k (unsure) → faint, 1 → strong.
    return [cr, cg, cb, 40 + 150 * Math.max(0, ((grid.prob[cell] ?? 0) - 0.5) / 0.5)];
  });
}
