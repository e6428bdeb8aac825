// A command only the integration tests reach: registered when DROPOUT_LENS_TEST_HOOKS=1, which the
// packaged extension never sets. It breaks the engine worker on purpose, or lists its jobs.
import * as vscode from 'vscode';
import { TEST_HOOKS_ENV, type EngineFault } from '../protocol/worker';
import type { WorkerHost } from './worker-host';

/** `worker` gives the engine's host, loading the rest of the extension on first use. */
export function registerTestHooks(worker: () => WorkerHost): vscode.Disposable[] {
  if (process.env[TEST_HOOKS_ENV] !== '1') return [];
  return [
    vscode.commands.registerCommand('dropoutLens.test.engine', (action: EngineFault | 'jobs') =>
      action === 'jobs'
        ? worker().jobKinds()
        : // The fault job dies with the worker: its own error says how the engine stopped.
          worker()
            .run('fault', { fault: action }, () => undefined)
            .catch((e: Error) => e.message),
    ),
  ];
}
