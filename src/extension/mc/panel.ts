// Dropout Lens: Show MC Uncertainty — a webview panel per model file that runs the worker's mc job with
// progress (and Cancel) in a notification, streaming partial statistics to the charts. The webview keeps
// its own state (setState), so no retainContextWhenHidden: hiding the panel costs nothing, and the latest
// run message is sent again when a shown webview reloads. A serializer reopens the panel after a reload.
import { modify, applyEdits, parseTree, findNodeAtLocation } from 'jsonc-parser';
import * as vscode from 'vscode';
import { ANY_MODEL, modelOnDisk, modelToActOn, trackModelPanel, type ModelKind } from '../active-model';
import { DataChooser } from '../data/chooser';
import { PreprocessingMemory } from '../data/preprocessing-memory';
import { requireTrust } from '../trust';
import { markStepDone } from '../walkthrough';
import { MC_VIEW_TYPE } from '../view-types';
import { onValidMessage, webviewHtml, webviewOptions, type PageOptions } from '../webview/scaffold';
import { DATA_CHOICE_KINDS, type DataOffer } from '../../protocol/data-choice';
import { parseFromMcPanel, type FromMcPanel, type McSettings, type ToMcPanel } from '../../protocol/mc-panel';
import {
  parseImagePreprocessing,
  preprocessingProblems,
  type ImagePreprocessing,
} from '../../protocol/preprocessing';
import { progressText } from '../../protocol/mc-progress';
import { IMAGENET_MEAN, IMAGENET_STD } from '../../core/data/stream';
import { JobCancelledError, type WorkerHost } from '../worker-host';

/** The files MC dropout runs on: .nn.json networks, ONNX files and tfjs layers models. */
const MC_MODEL: ModelKind = { ...ANY_MODEL, title: `Show MC Uncertainty: ${ANY_MODEL.title}` };
/** The MC panel's page: its bundle, its stylesheet and uPlot's. */
export function mcPage(title: string): PageOptions {
  return { title, script: 'mc', styles: ['mc.css'], libraryStyles: ['uPlot.min.css'] };
}

/** One panel per model file. */
const panels = new Map<string, McPanel>();

let preprocessingMemory: PreprocessingMemory | undefined;

/** Where the image preprocessing each model last ran with is kept (the workspace's state, set once at start). */
export function keepPreprocessingIn(memento: vscode.Memento): void {
  preprocessingMemory = new PreprocessingMemory(memento);
}

export function showUncertaintyCommand(
  context: vscode.ExtensionContext,
  worker: WorkerHost,
  log: vscode.LogOutputChannel,
) {
  return async (target?: vscode.Uri) => {
    const chosen = await modelToActOn(MC_MODEL, target);
    const uri = chosen && (await modelOnDisk(chosen, 'Show MC Uncertainty'));
    if (!uri) return;
    const open = panels.get(uri.fsPath);
    if (open) return open.reveal();
    const panel = vscode.window.createWebviewPanel(
      MC_VIEW_TYPE,
      `MC Uncertainty: ${uri.path.split('/').pop() ?? 'model'}`,
      vscode.ViewColumn.Beside,
      webviewOptions(context.extensionUri),
    );
    new McPanel(panel, context.extensionUri, uri, worker, log);
  };
}

/** Reopens MC panels after a window reload on the model file their webview state names. */
export function mcPanelSerializer(
  extensionUri: vscode.Uri,
  worker: WorkerHost,
  log: vscode.LogOutputChannel,
): vscode.WebviewPanelSerializer {
  return {
    async deserializeWebviewPanel(panel, state: unknown) {
      const file = (state as { file?: unknown } | undefined)?.file;
      if (typeof file !== 'string' || panels.has(file)) return panel.dispose();
      new McPanel(panel, extensionUri, vscode.Uri.file(file), worker, log);
    },
  };
}

class McPanel {
  private cancel?: vscode.CancellationTokenSource;
  private running = false;
  private disposed = false;
  /** The latest run message, sent again when the webview reloads (it was hidden, or messages were missed). */
  private last?: ToMcPanel;
  private readonly data: DataChooser;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly model: vscode.Uri,
    private readonly worker: WorkerHost,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const name = model.path.split('/').pop() ?? 'model';
    this.data = new DataChooser(model, worker, log, DATA_CHOICE_KINDS);
    panels.set(model.fsPath, this);
    trackModelPanel(panel, model);
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = webviewHtml(panel.webview, extensionUri, mcPage(panel.title));
    const messages = onValidMessage(panel.webview, parseFromMcPanel, (m) => this.onMessage(m, name), log);
    panel.onDidDispose(() => {
      messages.dispose();
      // Closing the panel stops its job in the worker (or takes it out of the queue).
      this.disposed = true;
      this.cancel?.cancel();
      panels.delete(model.fsPath);
    });
  }

  reveal(): void {
    this.panel.reveal();
  }

  private post(message: ToMcPanel): void {
    if (message.type !== 'model' && message.type !== 'running' && message.type !== 'data')
      this.last = message;
    // A closed panel's webview throws on access; a job ending after the close has nobody to tell.
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  private onMessage(message: FromMcPanel, name: string): void {
    if (message.type === 'ready') {
      const path = vscode.workspace.asRelativePath(this.model);
      this.post({ type: 'model', name, path, file: this.model.fsPath, running: this.running });
      if (this.last) this.post(this.last);
      void this.offerData(() => this.data.offerOrError(), false);
    } else if (message.type === 'cancel') this.cancel?.cancel();
    // A panel restored in a window that is not trusted (now) shows its figures but reads and runs nothing.
    else if (!requireTrust(vscode, 'Show MC Uncertainty')) return;
    else if (message.type === 'browse') void this.offerData(() => this.data.browse(message.target), true);
    else if (message.type === 'addDropout') void this.addDropout();
    else void this.run(message.settings);
  }

  private async offerData(offer: () => Promise<DataOffer | undefined>, browsed: boolean): Promise<void> {
    try {
      const data = await offer();
      if (data) this.post({ type: 'data', data, browsed });
      const preprocessing = preprocessingMemory?.offer(this.model.toString(), this.data.input, {
        mean: IMAGENET_MEAN,
        std: IMAGENET_STD,
      });
      if (preprocessing) this.post({ type: 'preprocessing', offer: preprocessing });
    } catch (e) {
      this.log.error(`MC data of ${this.model.fsPath}: ${(e as Error).message}`);
    }
  }

  /** The preprocessing a run on images takes: the page's, checked against the model's input shape. */
  private preprocessingFor(settings: McSettings): ImagePreprocessing | undefined {
    if (this.data.kindOf(settings) !== 'images') return undefined;
    const { inputShape } = this.data.input;
    const checked = parseImagePreprocessing(settings.preprocessing, inputShape);
    if (checked) return checked;
    const problems = Object.values(preprocessingProblems(settings.preprocessing, inputShape));
    throw new Error(`The image preprocessing does not fit the model: ${problems.join('; ')}`);
  }

  private async run(settings: McSettings): Promise<void> {
    let preprocessing: ImagePreprocessing | undefined;
    try {
      await this.data.check(settings);
      preprocessing = this.preprocessingFor(settings);
    } catch (e) {
      this.post({ type: 'error', message: (e as Error).message, noStochasticLayer: false });
      return;
    }
    this.data.remember(settings);
    if (preprocessing) void preprocessingMemory?.remember(this.model.toString(), preprocessing);
    this.cancel?.cancel();
    const cancel = (this.cancel = new vscode.CancellationTokenSource());
    this.last = undefined;
    this.post({ type: 'running', settings, training: false });
    await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: 'Dropout Lens: MC dropout',
        cancellable: true,
      },
      async (progress, token) => {
        token.onCancellationRequested(() => cancel.cancel());
        let reported = 0;
        this.running = true;
        try {
          const view = await this.worker.run(
            'mc',
            {
              model: this.model.fsPath,
              passes: settings.passes,
              seed: settings.seed,
              masks: settings.masks,
              train: true,
              ...this.data.jobData(settings),
              ...(preprocessing ? { preprocessing } : {}),
            },
            (p) => {
              if (p.phase === 'train') {
                progress.report({ message: `training first (no weights): epoch ${p.epoch} / ${p.epochs}` });
                this.post({ type: 'training', epoch: p.epoch, epochs: p.epochs });
                return;
              }
              const work = p.mc.progress;
              // Per batch of samples and per pass, with the time left.
              const done = work ? work.fraction : p.mc.summary.passes / settings.passes;
              progress.report({
                message: work ? progressText(work) : `${p.mc.summary.passes} / ${settings.passes} passes`,
                increment: 100 * (done - reported),
              });
              reported = done;
              this.post({ type: 'partial', view: p.mc });
            },
            cancel.token,
            (ahead) => progress.report({ message: `queued (${ahead} ahead)` }),
          );
          // The notification may stay a moment after the panel shows the results: it says they are done.
          progress.report({
            message: `${view.summary.passes} / ${settings.passes} passes, done`,
            increment: 100 * (1 - reported),
          });
          this.post({ type: 'done', view });
          markStepDone('mcShown');
        } catch (e) {
          // A run replaced by a new one says nothing: the new one owns the panel.
          if (e instanceof JobCancelledError)
            return this.cancel === cancel ? this.post({ type: 'cancelled' }) : undefined;
          const message = (e as Error).message;
          this.log.error(`MC uncertainty of ${this.model.fsPath}: ${message}`);
          this.post({
            type: 'error',
            message,
            // Adding a dropout layer is an edit of a .nn.json; other files keep the explanation only.
            noStochasticLayer:
              message.startsWith('mc-no-stochastic-layer') && this.model.fsPath.endsWith('.nn.json'),
          });
        } finally {
          if (this.cancel === cancel) this.running = false;
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
}
