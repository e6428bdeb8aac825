// The model view's entry points: the default (read-only) editor for `.onnx`, the Show Model command
// that opens a panel beside a JSON model, and the serializer that brings such panels back after a reload.
import * as vscode from 'vscode';
import { MODEL_PANEL, ONNX_EDITOR } from '../view-types';
import { basename, ModelView, type ModelViewDeps } from './model-view';

class OnnxEditorProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(private readonly deps: ModelViewDeps) {}

  /** The file's findings go to the Problems panel while it is open (ONNX has no text document). */
  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    let open = true;
    void this.lint(uri, () => open);
    return {
      uri,
      dispose: () => {
        open = false;
        this.deps.diagnostics.collection.delete(uri);
      },
    };
  }

  private async lint(uri: vscode.Uri, isOpen: () => boolean): Promise<void> {
    if (uri.scheme !== 'file') {
      // The worker reads by path; a virtual workspace's file is read through the editor instead.
      const result = await this.deps.diagnostics.lintUri(uri);
      if (!isOpen()) this.deps.diagnostics.collection.delete(uri);
      if (result.error) this.deps.log.warn(result.error.message);
      return;
    }
    const path = uri.fsPath;
    try {
      await this.deps.worker.run('lint', { files: [path], config: await this.deps.config.get() }, (p) => {
        if (isOpen()) this.deps.diagnostics.set(uri, p.result);
      });
    } catch (e) {
      this.deps.log.warn(`lint of ${path} failed: ${(e as Error).message}`);
    }
  }

  resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): void {
    new ModelView(panel, document.uri, this.deps);
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
    panels.set(key, view);
    view.panel.onDidDispose(() => {
      if (panels.get(key) === view) panels.delete(key);
    });
    return view;
  };

  const showModel = async (target?: vscode.Uri) => {
    const uri = target instanceof vscode.Uri ? target : vscode.window.activeTextEditor?.document.uri;
    if (!uri) {
      void vscode.window.showInformationMessage('Dropout Lens: open a model file to show it.');
      return;
    }
    if (uri.path.endsWith('.onnx')) {
      await vscode.commands.executeCommand('vscode.openWith', uri, ONNX_EDITOR);
      return;
    }
    const existing = panels.get(uri.toString());
    if (existing) {
      existing.panel.reveal(undefined, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(MODEL_PANEL, `Model: ${basename(uri)}`, {
      viewColumn: vscode.ViewColumn.Beside,
      preserveFocus: false,
    });
    // No retainContextWhenHidden: the view keeps its sort, filter and zoom in webview state and
    // rebuilds from the extension's data when shown again, which is cheaper than a hidden live page.
    track(new ModelView(panel, uri, deps));
  };

  return {
    editorProvider: new OnnxEditorProvider(deps),
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
