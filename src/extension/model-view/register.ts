// The model view's entry points: the default (read-only) editor for binary model files (`.onnx`, `.keras`,
// `.h5`), the Show Model command that opens a panel beside a JSON model, and the serializer that brings
// such panels back after a reload.
import * as vscode from 'vscode';
import { isBinaryModelFileName } from '../../core/formats/model-file-name';
import { ANY_MODEL, modelToActOn, trackModelPanel } from '../active-model';
import { MODEL_PANEL, MODEL_FILE_EDITOR } from '../view-types';
import { layerOf } from '../diagnostics';
import { uriFileName } from '../model-files';
import { ModelView, type ModelViewDeps } from './model-view';

class ModelFileEditorProvider implements vscode.CustomReadonlyEditorProvider {
  private readonly open = new Set<string>();
  /** The view of each open file (the latest, when it is open in more than one group). */
  private readonly views = new Map<string, ModelView>();

  constructor(private readonly deps: ModelViewDeps) {}

  /** The file's findings go to the Problems panel while it is open (a binary file has no text document). */
  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    // A finding's layer URI is not a document of its own (see showLayer).
    if (layerOf(uri) !== undefined) return { uri, dispose: () => undefined };
    const key = uri.toString();
    this.open.add(key);
    return {
      uri,
      dispose: () => {
        this.open.delete(key);
        this.deps.diagnostics.delete(uri);
      },
    };
  }

  /** The view's own load (parse and lint in the worker) also feeds the Problems panel: one parse, not two. */
  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    const uri = document.uri;
    const layer = layerOf(uri);
    if (layer !== undefined) {
      void this.showLayer(uri.with({ fragment: '' }), layer, panel);
      return;
    }
    const key = uri.toString();
    const view = new ModelView(panel, uri, this.deps, (result) => {
      if (this.open.has(key)) this.deps.diagnostics.set(uri, result);
    });
    trackModelPanel(panel, uri);
    this.views.set(key, view);
    panel.onDidDispose(() => {
      if (this.views.get(key) === view) this.views.delete(key);
    });
  }

  /**
   * A finding opened from the Problems panel opens its layer URI. The file's own view selects the layer
   * instead, brought forward where it is or opened where that editor was, and the editor opened for the
   * layer URI closes, also when the file cannot be opened (a blank editor would be a dead end). The focus
   * stays where the user clicked.
   */
  private async showLayer(file: vscode.Uri, layerId: string, panel: vscode.WebviewPanel): Promise<void> {
    try {
      const shown = this.views.get(file.toString());
      if (shown) shown.panel.reveal(shown.panel.viewColumn, true);
      else
        await vscode.commands.executeCommand('vscode.openWith', file, MODEL_FILE_EDITOR, {
          viewColumn: panel.viewColumn,
          preserveFocus: true,
        });
    } catch (e) {
      void vscode.window.showErrorMessage(
        `Dropout Lens: cannot open ${uriFileName(file)} (${(e as Error).message}). Check that the file still exists, then open the finding again.`,
      );
    } finally {
      panel.dispose();
    }
    this.views.get(file.toString())?.select(layerId);
  }
}

export interface ModelViewParts {
  editorProvider: vscode.CustomReadonlyEditorProvider;
  showModel: (target?: vscode.Uri) => Promise<void>;
  panelSerializer: vscode.WebviewPanelSerializer;
}

/** What activation registers for the model view (under the ids in view-types.ts). */
export function modelViewParts(deps: ModelViewDeps): ModelViewParts {
  const panels = new Map<string, ModelView>();
  const track = (view: ModelView) => {
    const key = view.uri.toString();
    trackModelPanel(view.panel, view.uri);
    panels.set(key, view);
    view.panel.onDidDispose(() => {
      if (panels.get(key) === view) panels.delete(key);
    });
    return view;
  };

  const showModel = async (target?: vscode.Uri) => {
    const uri = await modelToActOn(ANY_MODEL, target);
    if (!uri) return;
    if (isBinaryModelFileName(uriFileName(uri))) {
      await vscode.commands.executeCommand('vscode.openWith', uri, MODEL_FILE_EDITOR);
      return;
    }
    const existing = panels.get(uri.toString());
    if (existing) {
      existing.panel.reveal(undefined, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(MODEL_PANEL, `Model: ${uriFileName(uri)}`, {
      viewColumn: vscode.ViewColumn.Beside,
      preserveFocus: false,
    });
    // No retainContextWhenHidden: the view keeps its sort, filter and zoom in webview state and
    // rebuilds from the extension's data when shown again, which is cheaper than a hidden live page.
    track(new ModelView(panel, uri, deps));
  };

  return {
    editorProvider: new ModelFileEditorProvider(deps),
    showModel,
    panelSerializer: {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        const uri = (state as { uri?: unknown } | undefined)?.uri;
        if (typeof uri !== 'string') {
          panel.dispose();
          return;
        }
        track(new ModelView(panel, vscode.Uri.parse(uri), deps));
      },
    },
  };
}
