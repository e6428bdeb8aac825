// Extension entry point, small on purpose: activate() registers the commands, document listeners, the
// model file editor and the panel serializers, and each of them loads the rest of the extension (features.ts,
// a bundle of its own) on first use. No file is parsed and no worker starts at activation.
import * as vscode from 'vscode';
import type * as FeaturesModule from './features';
import { isModelDocument, TEXT_MODEL_SELECTOR } from './model-files';
import { registerTestHooks } from './test-hooks';
import type { TrainPanelState } from './train/panel';
import { requireTrust } from './trust';
import { MC_VIEW_TYPE, MODEL_PANEL, MODEL_FILE_EDITOR, TRAIN_VIEW_TYPE } from './view-types';

// Taken when this bundle starts to run, so the reported activation time includes running it.
const loadStarted = performance.now();

/** What activate() returns: the extension's own measurement of its activation (read by the tests). */
export interface DropoutLensExports {
  /**
   * Time spent in the extension's own code: running this bundle's top level plus the activate() call.
   * VS Code builds the ExtensionContext (storage, secrets) between the two; that wait is not ours.
   */
  activationMs: number;
}

type Features = FeaturesModule.Features;
type CommandId = keyof Features['commands'];

/** Every command, with the action a message names when an untrusted workspace refuses it (else null). */
const COMMANDS: Record<CommandId, string | null> = {
  'dropoutLens.lintWorkspace': null,
  'dropoutLens.showModel': null,
  'dropoutLens.fixAndSaveAs': 'Fix and Save As',
  'dropoutLens.showUncertainty': 'Show MC Uncertainty',
  'dropoutLens.trainWithDropout': 'Train with Dropout',
  'dropoutLens.openSample': null,
  'dropoutLens.showRuleDocs': null,
};

export function activate(context: vscode.ExtensionContext): DropoutLensExports {
  const started = performance.now();
  let loaded: Features | undefined;
  const features = (): Features =>
    // A plain require of the second bundle, which esbuild.mjs leaves external: it compiles only now.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (loaded ??= (require('./features') as typeof FeaturesModule).createFeatures(context));
  const lint = (document: vscode.TextDocument, now = false) => {
    if (isModelDocument(document)) features().diagnostics.schedule(document, now);
  };
  const commands = (Object.keys(COMMANDS) as CommandId[]).map((id) =>
    vscode.commands.registerCommand(id, (...args: unknown[]) => {
      const action = COMMANDS[id];
      if (action && !requireTrust(vscode, action)) return undefined;
      return (features().commands[id] as (...a: unknown[]) => unknown)(...args);
    }),
  );
  context.subscriptions.push(
    ...commands,
    vscode.workspace.onDidOpenTextDocument((d) => lint(d, true)),
    vscode.workspace.onDidChangeTextDocument((e) => lint(e.document)),
    vscode.workspace.onDidCloseTextDocument((d) => loaded?.diagnostics.clear(d)),
    vscode.languages.registerCodeActionsProvider(
      TEXT_MODEL_SELECTOR,
      { provideCodeActions: (d, r, c) => features().codeActions.provideCodeActions(d, r, c) },
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
    ),
    vscode.window.registerCustomEditorProvider(
      MODEL_FILE_EDITOR,
      {
        openCustomDocument: (...args) => features().modelView.editorProvider.openCustomDocument(...args),
        resolveCustomEditor: (...args) => features().modelView.editorProvider.resolveCustomEditor(...args),
      },
      { supportsMultipleEditorsPerDocument: true },
    ),
    vscode.window.registerWebviewPanelSerializer(MODEL_PANEL, {
      deserializeWebviewPanel: (...args) =>
        features().modelView.panelSerializer.deserializeWebviewPanel(...args),
    }),
    // A restored panel only shows what it showed before; running from it checks trust then. (Trust
    // is not settled yet while a reloaded window revives its panels: checking here lost them.)
    vscode.window.registerWebviewPanelSerializer(TRAIN_VIEW_TYPE, {
      deserializeWebviewPanel: (panel, state) =>
        features().trainSerializer.deserializeWebviewPanel(panel, state as TrainPanelState),
    }),
    vscode.window.registerWebviewPanelSerializer(MC_VIEW_TYPE, {
      deserializeWebviewPanel: (panel, state) =>
        features().mcSerializer.deserializeWebviewPanel(panel, state),
    }),
    ...registerTestHooks({ worker: () => features().worker, diagnostics: () => features().diagnostics }),
  );
  // Documents already open when the extension starts are linted once activation has returned.
  setTimeout(() => vscode.workspace.textDocuments.forEach((d) => lint(d, true)), 0);
  return { activationMs: loadMs + performance.now() - started };
}

export function deactivate(): void {}

const loadMs = performance.now() - loadStarted;
