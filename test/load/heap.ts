// Heap figures for the load tests: the worker's (its probe job, after a full GC inside the worker) and
// this process's, which plays the extension host (after a full GC here).
import type { WorkerHost } from '../../src/extension/worker-host';
import { heapAfterGc } from '../../src/worker/test-hooks';

export interface HeapFigures {
  worker: number;
  host: number;
}

export async function heaps(host: WorkerHost): Promise<HeapFigures> {
  const worker = await host.run('probe', { gc: true }, () => undefined);
  return { worker: worker.heapUsed, host: heapAfterGc().heapUsed };
}

/** Prints before / after / growth for both heaps and returns the growth fractions. */
export function report(title: string, before: HeapFigures, after: HeapFigures): HeapFigures {
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(2)} MB`;
  const growth = {
    worker: after.worker / before.worker - 1,
    host: after.host / before.host - 1,
  };
  console.log(`      ${title}`);
  for (const side of ['worker', 'host'] as const) {
    const pct = `${growth[side] >= 0 ? '+' : ''}${(100 * growth[side]).toFixed(1)}%`;
    console.log(`        ${side.padEnd(6)} heap ${mb(before[side])} -> ${mb(after[side])} (${pct})`);
  }
  return growth;
}
