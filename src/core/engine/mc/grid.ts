// MC dropout over the plane, for 2-D data: the MC panel's maps of predictive entropy and mutual
// information beside the MC decision boundary. The cells of the decision-boundary grid (train/boundary.ts) run
// through the same pass loop as the evaluated rows — one batch per chunk, so the maps stream and cancel
// with the rest — but draw their masks from a stream of their own (seed + 1): the evaluated rows' figures
// are the same with or without the maps, and equal what `dropout-lens mc` prints.
import { planeOver, type BoundaryGrid, type Plane } from '../train/boundary';
import type { Dataset } from '../../data/dataset';
import { runMcPasses, type McHooks, type McOptions, type McPasses, type McResult, type PassSpan } from './mc';
import { sizeOf, type Tensor } from '../tensor';
import { argmaxOf, mutualInformation, predictiveEntropy, type McStats } from './uncertainty';

/** The MC decision boundary (argmax and top probability of the predictive mean) and its uncertainty maps. */
export interface McGrid extends BoundaryGrid {
  /** Per cell, row-major like `cls`: predictive entropy and mutual information (BALD), in nats. */
  entropy: number[];
  mutualInfo: number[];
}

export interface McGridHooks extends McHooks {
  /** The maps so far, just before each `onPartial`. */
  onGrid?(grid: McGrid): void;
}

/** Seed of the grid's mask stream in a run with `seed`. */
export const gridSeed = (seed: number): number => (seed + 1) >>> 0;

/** The plane for the maps when the rows are 2-D points and maps were asked for. */
export const planeFor = (rows: Dataset, size: number | undefined): Plane | undefined =>
  size !== undefined && size > 0 && rows.n > 0 && rows.x.length === 2 * rows.n
    ? planeOver(rows, size)
    : undefined;

/** The rows [from, from + count) of `s` as statistics of their own. */
export function sliceStats(s: McStats, from: number, count: number): McStats {
  const c = s.classes;
  return {
    passes: s.passes,
    n: count,
    classes: c,
    mean: s.mean.slice(from * c, (from + count) * c),
    variance: s.variance.slice(from * c, (from + count) * c),
    expectedEntropy: s.expectedEntropy.slice(from, from + count),
    votes: s.votes.slice(from * c, (from + count) * c),
  };
}

/** The maps of a plane from the statistics of its cells (in the plane's row-major order). */
export function mcGrid(plane: Plane, stats: McStats): McGrid {
  const c = stats.classes;
  const cls: number[] = [];
  const prob: number[] = [];
  for (let i = 0; i < stats.n; i++) {
    const k = argmaxOf(stats.mean, i * c, c);
    cls.push(k);
    prob.push(stats.mean[i * c + k] as number);
  }
  return {
    size: plane.size,
    extent: plane.extent,
    points: plane.points,
    cls,
    prob,
    entropy: Array.from(predictiveEntropy(stats)),
    mutualInfo: Array.from(mutualInformation(stats)),
  };
}

/** Rows [offset, offset + rows) of every one of the k blocks of `stride` rows in `data` (row width `width`). */
function rowsOfBlocks(
  data: Float32Array,
  k: number,
  stride: number,
  offset: number,
  rows: number,
  width: number,
) {
  const out = new Float32Array(k * rows * width);
  for (let p = 0; p < k; p++)
    out.set(
      data.subarray((p * stride + offset) * width, (p * stride + offset + rows) * width),
      p * rows * width,
    );
  return out;
}

/**
 * One pass loop over `main`'s rows followed by `grid`'s: each chunk's tiled rows are split, run through
 * each model with its own masks, and put back in pass-major order.
 */
function stacked(main: McPasses, grid: McPasses): McPasses {
  const n = main.base.shape[0] as number;
  const g = grid.base.shape[0] as number;
  const sample = main.base.shape.slice(1);
  const width = sizeOf(sample);
  const base = new Float32Array((n + g) * width);
  base.set(main.base.data);
  base.set(grid.base.data, n * width);
  const part = async (model: McPasses, tiled: Tensor, span: PassSpan, offset: number, rows: number) =>
    // A copy: both models may run the same layers, whose output buffers the next forward reuses.
    Float32Array.from(
      (
        await model.forward(
          {
            data: rowsOfBlocks(tiled.data as Float32Array, span.passes, n + g, offset, rows, width),
            shape: [span.passes * rows, ...sample],
          },
          span,
        )
      ).data,
    );
  return {
    ...main,
    base: { data: base, shape: [n + g, ...sample] },
    rowBudget: Math.min(main.rowBudget, grid.rowBudget),
    passPerChunk: Boolean(main.passPerChunk || grid.passPerChunk),
    forward: async (tiled, span) => {
      const k = span.passes;
      const c = main.classes;
      const a = await part(main, tiled, span, 0, n);
      const b = await part(grid, tiled, span, n, g);
      const out = new Float32Array(k * (n + g) * c);
      for (let p = 0; p < k; p++) {
        out.set(a.subarray(p * n * c, (p + 1) * n * c), p * (n + g) * c);
        out.set(b.subarray(p * g * c, (p + 1) * g * c), (p * (n + g) + n) * c);
      }
      return { data: out, shape: [k * (n + g), c] };
    },
  };
}

/**
 * T MC passes over the rows of `x` and, given a plane, over its cells too. The hooks and the result's
 * statistics cover the rows of `x` only; the maps go to `onGrid` and the result's `grid`.
 */
export async function runMcOver(
  passesOf: (x: Tensor, options: McOptions) => McPasses | Promise<McPasses>,
  x: Tensor,
  plane: Plane | undefined,
  options: McOptions,
  hooks: McGridHooks = {},
): Promise<McResult & { grid?: McGrid }> {
  const main = await passesOf(x, options);
  if (!plane) return runMcPasses(main, options, hooks);
  const cells = plane.size * plane.size;
  const grid = await passesOf(
    { data: plane.input, shape: [cells, ...x.shape.slice(1)] },
    // The cells are a run of their own, whatever batch of samples they are stacked with.
    { ...options, seed: gridSeed(options.seed), window: undefined },
  );
  const n = x.shape[0] as number;
  const onChunk = hooks.onChunk;
  const r = await runMcPasses(stacked(main, grid), options, {
    isCancelled: () => hooks.isCancelled?.() ?? false,
    pause: () => hooks.pause?.(),
    onChunk: onChunk
      ? (probs, first, k) => onChunk(rowsOfBlocks(probs, k, n + cells, 0, n, main.classes), first, k)
      : undefined,
    onPartial: (stats) => {
      hooks.onGrid?.(mcGrid(plane, sliceStats(stats, n, cells)));
      hooks.onPartial?.(sliceStats(stats, 0, n));
    },
  });
  return { ...r, stats: sliceStats(r.stats, 0, n), grid: mcGrid(plane, sliceStats(r.stats, n, cells)) };
}
