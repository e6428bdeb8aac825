// Dropout Lens: Show MC Uncertainty — a webview panel per model file that runs the worker's mc job with
// progress (and Cancel) in a notification, streaming partial statistics to the charts. The webview keeps
// its own state (setState), so no retainContextWhenHidden: hiding the panel costs nothing.
import { randomBytes } from 'node:crypto';
import { modify, applyEdits, parseTree, findNodeAtLocation } from 'jsonc-parser';
import * as vscode from 'vscode';
import { webviewOptions } from './webview/scaffold';
import { preview } from '../protocol/guards';
import { validFromPanel, type McSettings, type ToMcPanel } from '../protocol/mc-panel-messages';
import { JobCancelledError, type WorkerHost } from './worker-host';

const VIEW_TYPE = 'dropoutLens.mc';
/** The files MC dropout runs on: .nn.json networks, ONNX files and tfjs layers models. */
const MC_MODEL = /(\.nn\.json|^model\.json|\.model\.json|\.onnx)$/;

export function showUncertaintyCommand(
  context: vscode.ExtensionContext,
  worker: WorkerHost,
  log: vscode.LogOutputChannel,
) {
  const panels = new Map<string, McPanel>();
  return (target?: vscode.Uri) => {
    const uri = target ?? vscode.window.activeTextEditor?.document.uri;
    if (!uri || uri.scheme !== 'file' || !MC_MODEL.test(uri.path.split('/').pop() ?? '')) {
      void vscode.window.showErrorMessage(
        'Dropout Lens: open a .nn.json, .onnx or TensorFlow.js model.json to show its MC uncertainty.',
      );
      return;
    }
    const open = panels.get(uri.fsPath);
    if (open) return open.reveal();
    const panel = new McPanel(context.extensionUri, uri, worker, log, () => panels.delete(uri.fsPath));
    panels.set(uri.fsPath, panel);
  };
}

class McPanel {
  private readonly panel: vscode.WebviewPanel;
  private cancel?: vscode.CancellationTokenSource;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly model: vscode.Uri,
    private readonly worker: WorkerHost,
    private readonly log: vscode.LogOutputChannel,
    onDispose: () => void,
  ) {
    const name = model.path.split('/').pop() ?? 'model';
    this.panel = vscode.window.createWebviewPanel(
      VIEW_TYPE,
      `MC Uncertainty: ${name}`,
      vscode.ViewColumn.Beside,
      webviewOptions(extensionUri),
    );
    this.panel.webview.html = this.html();
    this.panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m, name));
    this.panel.onDidDispose(() => {
      this.cancel?.cancel();
      onDispose();
    });
  }

  reveal(): void {
    this.panel.reveal();
  }

  private post(message: ToMcPanel): void {
    void this.panel.webview.postMessage(message);
  }

  private onMessage(raw: unknown, name: string): void {
    const message = validFromPanel(raw);
    if (!message) return this.log.warn(`MC panel: ignored an invalid message ${preview(raw)}`);
    if (message.type === 'ready')
      this.post({ type: 'model', name, path: vscode.workspace.asRelativePath(this.model) });
    else if (message.type === 'cancel') this.cancel?.cancel();
    else if (message.type === 'addDropout') void this.addDropout();
    else void this.run(message.settings);
  }

  private run(settings: McSettings): Thenable<void> {
    this.cancel?.cancel();
    const cancel = (this.cancel = new vscode.CancellationTokenSource());
    this.post({ type: 'running', settings, training: false });
    return vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: 'Dropout Lens: MC dropout',
        cancellable: true,
      },
      async (progress, token) => {
        token.onCancellationRequested(() => cancel.cancel());
        let reported = 0;
        try {
          const view = await this.worker.run(
            'mc',
            {
              model: this.model.fsPath,
              passes: settings.passes,
              seed: settings.seed,
              masks: settings.masks,
              train: true,
              ...(settings.data ? { data: settings.data } : {}),
            },
            (p) => {
              if (p.phase === 'train') {
                progress.report({ message: `training first (no weights): epoch ${p.epoch} / ${p.epochs}` });
                this.post({ type: 'training', epoch: p.epoch, epochs: p.epochs });
                return;
              }
              const done = p.mc.summary.passes;
              progress.report({
                message: `${done} / ${settings.passes} passes`,
                increment: (100 * (done - reported)) / settings.passes,
              });
              reported = done;
              this.post({ type: 'partial', view: p.mc });
            },
            cancel.token,
          );
          this.post({ type: 'done', view });
        } catch (e) {
          if (e instanceof JobCancelledError) return this.post({ type: 'cancelled' });
          const message = (e as Error).message;
          this.log.error(`MC uncertainty of ${this.model.fsPath}: ${message}`);
          this.post({
            type: 'error',
            message,
            // Adding a dropout layer is an edit of a .nn.json; other files keep the explanation only.
            noStochasticLayer:
              message.startsWith('mc-no-stochastic-layer') && this.model.fsPath.endsWith('.nn.json'),
          });
        }
      },
    );
  }

  /** Inserts a dropout layer after the first hidden layer of the .nn.json and shows the edit. */
  private async addDropout(): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(this.model);
    const text = doc.getText();
    const layers = findNodeAtLocation(parseTree(text) ?? { type: 'null', offset: 0, length: 0 }, ['layers']);
    const count = layers?.children?.length ?? 0;
    if (count < 2) {
      void vscode.window.showWarningMessage(
        'Dropout Lens: the model needs a hidden layer before dropout can go after it.',
      );
      return;
    }
    const edits = modify(
      text,
      ['layers', 1],
      { type: 'dropout', rate: 0.2 },
      { isArrayInsertion: true, formattingOptions: { insertSpaces: true, tabSize: 2 } },
    );
    const edit = new vscode.WorkspaceEdit();
    edit.replace(
      doc.uri,
      new vscode.Range(doc.positionAt(0), doc.positionAt(text.length)),
      applyEdits(text, edits),
    );
    await vscode.workspace.applyEdit(edit);
    await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
  }

  private html(): string {
    const webview = this.panel.webview;
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', 'mc.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'mc.css'));
    return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${webview.cspSource}; style-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}"><title>MC Uncertainty</title></head>
<body><main id="app" aria-live="polite"></main><script nonce="${nonce}" src="${script}"></script></body></html>`;
  }
}
