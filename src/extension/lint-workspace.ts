// Dropout Lens: Lint Workspace — every model file in the workspace, linted in the worker with
// progress and cancellation, results in the Problems panel.
import * as vscode from 'vscode';
import type { ModelDiagnostics } from './diagnostics';
import type { LintConfigSource } from './lint-config';
import { JobCancelledError, type WorkerHost } from './worker-host';

const MODEL_GLOB = '**/{*.nn.json,*.onnx,model.json,*.model.json}';

export function lintWorkspaceCommand(
  worker: WorkerHost,
  diagnostics: ModelDiagnostics,
  config: LintConfigSource,
) {
  return () =>
    vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: 'Dropout Lens: linting workspace',
        cancellable: true,
      },
      async (progress, token) => {
        const uris = (
          await vscode.workspace.findFiles(MODEL_GLOB, '**/node_modules/**', undefined, token)
        ).filter((u) => u.scheme === 'file');
        if (token.isCancellationRequested) return;
        const byPath = new Map(uris.map((u) => [u.fsPath, u]));
        try {
          const summary = await worker.run(
            'lint',
            { files: [...byPath.keys()], config: await config.get() },
            (p) => {
              const uri = byPath.get(p.result.path);
              if (uri) diagnostics.set(uri, p.result);
              progress.report({ message: `${p.done} / ${p.total}`, increment: 100 / p.total });
            },
            token,
          );
          void vscode.window.showInformationMessage(
            `Dropout Lens: ${summary.findings} finding(s) in ${summary.files} model file(s)` +
              (summary.errors > 0 ? `, ${summary.errors} file(s) could not be read` : ''),
          );
        } catch (e) {
          if (e instanceof JobCancelledError) return;
          void vscode.window.showErrorMessage(
            `Dropout Lens: linting the workspace failed: ${(e as Error).message}`,
          );
        }
      },
    );
}
