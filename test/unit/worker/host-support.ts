// A WorkerHost on the real worker bundle (dist/worker.js, built by `node esbuild.mjs`) with the test
// hooks on, plus the two things the host takes from VS Code: a log and a cancellation token.
import { resolve } from 'node:path';
import type * as vscode from 'vscode';
import { TEST_HOOKS_ENV, type Jobs, type WireTrainRun } from '../../../src/protocol/worker';
import { WorkerHost, type WorkerHostOptions } from '../../../src/extension/worker-host';

export function hostWithHooks(options?: WorkerHostOptions): { host: WorkerHost; errors: string[] } {
  // The worker copies the environment when it starts.
  process.env[TEST_HOOKS_ENV] = '1';
  const errors: string[] = [];
  const log = {
    error: (m: string) => errors.push(m),
    warn: () => undefined,
  } as unknown as vscode.LogOutputChannel;
  return { host: new WorkerHost(resolve('.'), log, options), errors };
}

/** Runs a train job on the host: the runs its finished events carried, in the order they ended. */
export async function trainRuns(
  host: WorkerHost,
  request: Jobs['train']['request'],
): Promise<WireTrainRun[]> {
  const runs: WireTrainRun[] = [];
  await host.run('train', request, (p) => {
    if ('finished' in p) runs.push(p.finished);
  });
  return runs;
}

export class TestToken implements vscode.CancellationToken {
  isCancellationRequested = false;
  private readonly listeners = new Set<() => void>();

  onCancellationRequested = ((listener: () => void) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }) as unknown as vscode.Event<unknown>;

  cancel(): void {
    this.isCancellationRequested = true;
    for (const l of this.listeners) l();
  }

  get listening(): number {
    return this.listeners.size;
  }
}

/** How busy the worker thread was between two probes (0 idle … 1 computing all the time). */
export async function workerBusy(host: WorkerHost, ms: number): Promise<number> {
  const a = await host.run('probe', { gc: false }, () => undefined);
  await new Promise((r) => setTimeout(r, ms));
  const b = await host.run('probe', { gc: false }, () => undefined);
  return (b.active - a.active) / (b.active + b.idle - (a.active + a.idle));
}
