// Everything the extension does, built once on first use. activate.ts stays small and loads this bundle
// (dist/features.js) only when a model file is opened or a command runs, so activation parses no model,
// starts no worker and compiles none of the readers, the linter or the engine.
import * as vscode from 'vscode';
import { trackModelEditors } from './active-model';
import { ModelCodeActions } from './code-actions';
import { ModelDiagnostics, showRuleDocsCommand } from './diagnostics';
import { fileSizeLimit } from './file-limit';
import { keepDataPicksIn } from './data/chooser';
import { fixAndSaveAsCommand } from './fix-and-save';
import { LintConfigSource } from './lint-config';
import { lintWorkspaceCommand } from './lint-workspace';
import { modelViewParts } from './model-view/register';
import { keepPreprocessingIn, mcPanelSerializer, showUncertaintyCommand } from './mc/panel';
import { openSampleCommand } from './open-sample';
import { trainWithDropoutCommand } from './train/command';
import { trainPanelSerializer } from './train/panel';
import { WorkerHost } from './worker-host';

export function createFeatures(context: vscode.ExtensionContext) {
  const log = vscode.window.createOutputChannel('Dropout Lens', { log: true });
  const config = new LintConfigSource(log);
  const diagnostics = new ModelDiagnostics(config, log);
  const worker = new WorkerHost(context.extensionPath, log, { maxFileBytes: () => fileSizeLimit().bytes });
  context.subscriptions.push(
    log,
    config,
    diagnostics,
    vscode.window.registerFileDecorationProvider(diagnostics),
    worker,
    ...trackModelEditors(),
    config.onDidChange(() => vscode.workspace.textDocuments.forEach((d) => diagnostics.schedule(d, true))),
  );
  keepDataPicksIn(context.workspaceState);
  keepPreprocessingIn(context.workspaceState);
  const modelView = modelViewParts({ extensionUri: context.extensionUri, worker, config, log, diagnostics });
  return {
    worker,
    diagnostics,
    codeActions: new ModelCodeActions(diagnostics),
    modelView,
    trainSerializer: trainPanelSerializer(context.extensionUri, worker, log),
    mcSerializer: mcPanelSerializer(context.extensionUri, worker, log),
    commands: {
      'dropoutLens.lintWorkspace': lintWorkspaceCommand(worker, diagnostics, config),
      'dropoutLens.showModel': modelView.showModel,
      'dropoutLens.fixAndSaveAs': fixAndSaveAsCommand(config, log),
      'dropoutLens.showUncertainty': showUncertaintyCommand(context, worker, log),
      'dropoutLens.trainWithDropout': trainWithDropoutCommand(context.extensionUri, worker, log),
      'dropoutLens.openSample': openSampleCommand(context.extensionUri),
      'dropoutLens.showRuleDocs': showRuleDocsCommand(context.extensionUri),
    },
  };
}

export type Features = ReturnType<typeof createFeatures>;
