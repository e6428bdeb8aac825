// Extension entry point. activate() only registers listeners and commands: no file is parsed and no
// engine work starts until a model file is open or a command runs.
import * as vscode from 'vscode';
import { ModelCodeActions, TEXT_MODEL_SELECTOR } from './code-actions';
import { ModelDiagnostics } from './diagnostics';
import { fixAndSaveAsCommand } from './fix-and-save';
import { LintConfigSource } from './lint-config';
import { lintWorkspaceCommand } from './lint-workspace';
import { registerModelView } from './model-view/register';
import { registerMcPanelSerializer, showUncertaintyCommand } from './mc-panel';
import { trainWithDropoutCommand } from './train-command';
import { registerTrainPanelSerializer } from './train-panel';
import { WorkerHost } from './worker-host';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Dropout Lens', { log: true });
  const config = new LintConfigSource(log);
  const diagnostics = new ModelDiagnostics(context.extensionUri, config, log);
  const worker = new WorkerHost(context.extensionPath, log);
  context.subscriptions.push(
    log,
    config,
    diagnostics,
    worker,
    vscode.workspace.onDidOpenTextDocument((d) => diagnostics.schedule(d, true)),
    vscode.workspace.onDidChangeTextDocument((e) => diagnostics.schedule(e.document)),
    vscode.workspace.onDidCloseTextDocument((d) => diagnostics.clear(d)),
    config.onDidChange(() => vscode.workspace.textDocuments.forEach((d) => diagnostics.schedule(d, true))),
    vscode.languages.registerCodeActionsProvider(
      TEXT_MODEL_SELECTOR,
      new ModelCodeActions(context.extensionUri),
      ModelCodeActions.metadata,
    ),
    vscode.commands.registerCommand(
      'dropoutLens.lintWorkspace',
      lintWorkspaceCommand(worker, diagnostics, config),
    ),
    ...registerModelView({ extensionUri: context.extensionUri, worker, config, log, diagnostics }),
    vscode.commands.registerCommand('dropoutLens.fixAndSaveAs', fixAndSaveAsCommand(config, log)),
    vscode.commands.registerCommand(
      'dropoutLens.showUncertainty',
      showUncertaintyCommand(context, worker, log),
    ),
    vscode.commands.registerCommand(
      'dropoutLens.trainWithDropout',
      trainWithDropoutCommand(context.extensionUri, worker, log),
    ),
    registerTrainPanelSerializer(context.extensionUri, worker, log),
    registerMcPanelSerializer(context.extensionUri, worker, log),
  );
  // Documents already open when the extension starts are linted once activation has returned.
  setTimeout(() => vscode.workspace.textDocuments.forEach((d) => diagnostics.schedule(d, true)), 0);
}

export function deactivate(): void {}
