// The decision boundary of a network on 2-D data: class probabilities on a coarse grid over the
// (standardised) training points, in inference mode. The train panel paints it as a heatmap; the MC
// panel evaluates the same grid with dropout on (mc/grid.ts).
import type { Dataset } from '../../data/dataset';
import type { Network } from '../network';
import { Rng, shuffle } from '../../random/rng';

export interface BoundaryGrid {
  /** Cells per side; row 0 is the bottom (smallest y). */
  size: number;
  /** [xMin, xMax, yMin, yMax] in standardised coordinates. */
  extent: [number, number, number, number];
  /** Per cell, row-major: the predicted class and its probability. */
  cls: number[];
  prob: number[];
  /** Up to `maxPoints` training points: x, y, label. */
  points: [number, number, number][];
}

/** A size × size grid over 2-D points, padded by a tenth of their range on each side. */
export interface Plane {
  size: number;
  extent: BoundaryGrid['extent'];
  /** The cell centres, size² × 2, row-major from the bottom row. */
  input: Float32Array;
  points: BoundaryGrid['points'];
}

export function planeOver(data: Dataset, size: number, maxPoints = 300): Plane {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < data.n; i++) {
    const x = data.x[2 * i] as number;
    const y = data.x[2 * i + 1] as number;
    [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
  }
  const padX = 0.1 * (x1 - x0 || 1);
  const padY = 0.1 * (y1 - y0 || 1);
  const extent: BoundaryGrid['extent'] = [x0 - padX, x1 + padX, y0 - padY, y1 + padY];
  const input = new Float32Array(size * size * 2);
  for (let r = 0; r < size; r++)
    for (let c = 0; c < size; c++) {
      input[2 * (r * size + c)] = extent[0] + ((c + 0.5) / size) * (extent[1] - extent[0]);
      input[2 * (r * size + c) + 1] = extent[2] + ((r + 0.5) / size) * (extent[3] - extent[2]);
    }
  // A seeded random subset: a stride would pick one class of data stored in alternating order.
  const order = Int32Array.from({ length: data.n }, (_, i) => i);
  if (data.n > maxPoints) shuffle(order, new Rng(0));
  const points: BoundaryGrid['points'] = [];
  for (const i of order.subarray(0, Math.min(data.n, maxPoints)))
    points.push([data.x[2 * i] as number, data.x[2 * i + 1] as number, data.y[i] as number]);
  return { size, extent, input, points };
}

export function decisionGrid(net: Network, train: Dataset, size: number, maxPoints = 300): BoundaryGrid {
  const { extent, input, points } = planeOver(train, size, maxPoints);
  const out = net.forward({ data: input, shape: [size * size, 2] }, { training: false, rng: new Rng(0) });
  const k = out.data.length / (size * size);
  const cls: number[] = [];
  const prob: number[] = [];
  for (let i = 0; i < size * size; i++) {
    const row = out.data.subarray(i * k, (i + 1) * k);
    // Softmax of the logits; only the winner's probability is kept.
    let best = 0;
    for (let j = 1; j < k; j++) if ((row[j] as number) > (row[best] as number)) best = j;
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp((row[j] as number) - (row[best] as number));
    cls.push(best);
    prob.push(1 / sum);
  }
  return { size, extent, cls, prob, points };
}
