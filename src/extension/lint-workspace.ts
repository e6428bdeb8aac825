// Dropout Lens: Lint Workspace — every model file in the workspace, linted in the worker with
// progress and cancellation, results in the Problems panel.
import * as vscode from 'vscode';
import { MODEL_FILE_GLOB } from '../core/formats/model-file-name';
import { isOtherFile } from '../core/lint/wire-lint';
import type { ModelDiagnostics } from './diagnostics';
import type { LintConfigSource } from './lint-config';
import { JobCancelledError, type WorkerHost } from './worker-host';

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
        const found = await vscode.workspace.findFiles(
          MODEL_FILE_GLOB,
          '**/node_modules/**',
          undefined,
          token,
        );
        // The worker reads local files; those of a virtual workspace are read through the editor here.
        const uris = found.filter((u) => u.scheme === 'file');
        const virtual = { files: 0, findings: 0, errors: 0 };
        for (const uri of found.filter((u) => u.scheme !== 'file')) {
          if (token.isCancellationRequested) return;
          const result = await diagnostics.lintUri(uri);
          if (isOtherFile(result)) continue;
          virtual.files++;
          virtual.findings += result.findings.length;
          if (result.error) virtual.errors++;
        }
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
          const findings = summary.findings + virtual.findings;
          const errors = summary.errors + virtual.errors;
          void vscode.window.showInformationMessage(
            `Dropout Lens: ${findings} finding(s) in ${summary.files + virtual.files} model file(s)` +
              (errors > 0 ? `, ${errors} file(s) could not be read` : ''),
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
