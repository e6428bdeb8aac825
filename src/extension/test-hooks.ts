// Commands only the integration tests reach: registered when DROPOUT_LENS_TEST_HOOKS=1, which the
// packaged extension never sets. One breaks the engine worker on purpose, or lists its jobs; one tells
// which lint of a document the editor keeps (to check a lightbulb does not lint again); one runs an MC job
// in the worker as the MC panel does and answers its result, the number of partial results and its error.
import * as vscode from 'vscode';
import { TEST_HOOKS_ENV, type EngineFault, type Jobs } from '../protocol/worker';
import type { ModelDiagnostics } from './diagnostics';
import type { WorkerHost } from './worker-host';

/** Each getter loads the rest of the extension on first use. */
export function registerTestHooks(parts: {
  worker: () => WorkerHost;
  diagnostics: () => ModelDiagnostics;
}): vscode.Disposable[] {
  if (process.env[TEST_HOOKS_ENV] !== '1') return [];
  return [
    vscode.commands.registerCommand('dropoutLens.test.engine', (action: EngineFault | 'jobs') =>
      action === 'jobs'
        ? parts.worker().jobKinds()
        : // The fault job dies with the worker: its own error says how the engine stopped.
          parts
            .worker()
            .run('fault', { fault: action }, () => undefined)
            .catch((e: Error) => e.message),
    ),
    vscode.commands.registerCommand('dropoutLens.test.mc', async (request: Jobs['mc']['request']) => {
      let partials = 0;
      try {
        const result = await parts.worker().run('mc', request, () => partials++);
        return { result, partials };
      } catch (e) {
        return { error: (e as Error).message, partials };
      }
    }),
    vscode.commands.registerCommand('dropoutLens.test.lint', (uri: vscode.Uri) => {
      const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      const lint = document && parts.diagnostics().lintOf(document);
      return lint && { version: lint.version, run: lint.run, findings: lint.entries.length };
    }),
  ];
}
