// Data-parallel training over the rows of each batch: every thread holds a replica of the network with
// the same initial weights, runs its share of the rows (shareOf; the forward context's `rows` keeps the
// dropout masks those rows get in the whole batch), and the gradients are merged (mergeTwo) so that every
// replica takes the same optimizer step: the one a single thread takes on the whole batch, up to float
// rounding. Moving the gradients between threads is the caller's (shared memory, see two-workers.ts).
import type { Kernels } from '../kernels/kernels';
import type { Param } from '../layers/layer';
import type { Vec } from '../tensor';

export interface RowShare {
  offset: number;
  rows: number;
  total: number;
}

/** The rows of a batch of `total` that thread `index` of `threads` takes: contiguous, sizes ±1. */
export function shareOf(total: number, threads: number, index: number): RowShare {
  const base = Math.floor(total / threads);
  const extra = total % threads;
  return { offset: index * base + Math.min(index, extra), rows: base + (index < extra ? 1 : 0), total };
}

/**
 * Two threads' gradients merged into thread `index`'s `params`: grad ← (rows₀/total)·g₀ + (rows₁/total)·g₁,
 * `other` holding the other thread's gradients param by param. Both threads evaluate the same expression
 * in the same order, so the replicas stay equal bit for bit.
 */
export function mergeTwo(
  kernels: Kernels,
  params: Param[],
  other: Vec[],
  index: 0 | 1,
  rows: readonly [number, number],
): void {
  const total = rows[0] + rows[1];
  params.forEach((p, i) => {
    const theirs = other[i] as Vec;
    const [g0, g1] = index === 0 ? [p.grad, theirs] : [theirs, p.grad];
    kernels.addScaled(p.grad, g0, rows[0] / total, g1, rows[1] / total, p.grad.length);
  });
}
