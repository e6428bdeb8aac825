// The model file a command acts on, for every command and walkthrough button: the one the user is
// looking at (the active text editor, the active model view, or the active Train / MC / model panel's
// model), else the latest model used in this window; a file picker, starting in the workspace folder,
// only when there is none.
import * as vscode from 'vscode';
import {
  BINARY_MODEL_EXTENSIONS,
  isBinaryModelFileName,
  isModelFileName,
} from '../core/formats/model-file-name';
import { uriFileName } from './model-files';
import { RecentModels } from './recent-models';

/** The models one command acts on, and how its file picker asks for one. */
export interface ModelKind {
  /** Names the command and the kinds of model, in the picker's title. */
  title: string;
  takes: (fileName: string) => boolean;
  filters: Record<string, string[]>;
}

/** The binary extensions as a file dialog's filters name them (no dot). */
const BINARY_EXTENSION_NAMES = BINARY_MODEL_EXTENSIONS.map((e) => e.slice(1));

/** Every model Dropout Lens reads (Show Model). */
export const ANY_MODEL: ModelKind = {
  title: 'pick a model (.onnx, .keras, .h5, TensorFlow.js model.json, .nn.json)',
  takes: isModelFileName,
  filters: { 'Models (.onnx, .keras, .h5, model.json, .nn.json)': [...BINARY_EXTENSION_NAMES, 'json'] },
};

/** Models the engine trains from their JSON description (Train with Dropout). */
export const TRAINABLE_MODEL: ModelKind = {
  title: 'pick a model to train (.nn.json, TensorFlow.js model.json)',
  takes: (name) => name.endsWith('.nn.json') || name === 'model.json',
  filters: { 'Models (.nn.json, TensorFlow.js model.json)': ['json'] },
};

/** Models without text, which Fix and Save As writes anew (JSON models are fixed by quick fixes). */
export const BINARY_MODEL: ModelKind = {
  title: 'pick a model (.onnx, .keras, .h5)',
  takes: isBinaryModelFileName,
  filters: { 'Models (.onnx, .keras, .h5)': BINARY_EXTENSION_NAMES },
};

const recent = new RecentModels<vscode.Uri>((uri) => uri.toString());
/** Panels that show one model (Train, MC, the JSON model view), so an active one names its model. */
const panels = new Map<vscode.WebviewPanel, vscode.Uri>();

/** Remembers `uri` as the latest model used in this window. */
export function useModel(uri: vscode.Uri): void {
  if (isModelFileName(uriFileName(uri))) recent.use(uri);
}

/** A panel showing `model`: its model is the one acted on while it is active, and is used now. */
export function trackModelPanel(panel: vscode.WebviewPanel, model: vscode.Uri): void {
  panels.set(panel, model);
  useModel(model);
  const views = panel.onDidChangeViewState(() => panel.active && useModel(model));
  panel.onDidDispose(() => {
    panels.delete(panel);
    views.dispose();
  });
}

/**
 * A model shown in an editor counts as used (from when the extension's features load: a model opened,
 * a command run), and an unsaved model closed (saved under a file name, or discarded) is forgotten.
 */
export function trackModelEditors(): vscode.Disposable[] {
  const shown = vscode.window.activeTextEditor?.document.uri;
  if (shown) useModel(shown);
  return [
    vscode.window.onDidChangeActiveTextEditor((editor) => editor && useModel(editor.document.uri)),
    vscode.workspace.onDidCloseTextDocument((d) => d.isUntitled && recent.forget(d.uri)),
  ];
}

/** The model of the active editor tab: a text editor, a custom editor or a model panel. */
export function activeModelUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom) return input.uri;
  if (input instanceof vscode.TabInputWebview)
    for (const [panel, model] of panels) if (panel.active) return model;
  return undefined;
}

/**
 * The model a command acts on: the clicked file (explorer, editor title), else the active or latest
 * used model of `kind`, else the one the user picks; undefined when the picker is dismissed.
 */
export async function modelToActOn(kind: ModelKind, clicked?: unknown): Promise<vscode.Uri | undefined> {
  const chosen =
    clicked instanceof vscode.Uri
      ? clicked
      : (recent.choose(activeModelUri(), (uri) => kind.takes(uriFileName(uri))) ??
        (
          await vscode.window.showOpenDialog({
            title: kind.title,
            defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
            filters: kind.filters,
            canSelectMany: false,
          })
        )?.[0]);
  if (chosen) useModel(chosen);
  return chosen;
}

/**
 * The model as a file on the local disk, which the engine reads: an unsaved model is saved when the
 * user says so (a button, never silently), under its own name in the workspace folder when it has one.
 */
export async function modelOnDisk(uri: vscode.Uri, action: string): Promise<vscode.Uri | undefined> {
  if (uri.scheme === 'file') return uri;
  if (uri.scheme !== 'untitled') {
    void vscode.window.showErrorMessage(
      `Dropout Lens: ${action} runs on model files on the local disk: open a local copy of ${uriFileName(uri)}.`,
    );
    return undefined;
  }
  const save = `Save and ${action}`;
  const answer = await vscode.window.showInformationMessage(
    `Dropout Lens: ${action} reads ${uriFileName(uri)} from the disk: save it first.`,
    save,
  );
  if (answer !== save) return undefined;
  const saved = await vscode.workspace.save(uri);
  if (saved) useModel(saved);
  return saved?.scheme === 'file' ? saved : undefined;
}
