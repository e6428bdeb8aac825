// The Train with Dropout panel on the extension side: one panel per model file, restored after a reload
// by a serializer. It validates the panel's requests, runs each experiment as one worker job (the worker
// expands it into runs) under a cancellable progress notification, relays progress to the webview, and
// keeps the last trained weights of each run for Save / Export.
import { basename } from 'node:path';
import * as vscode from 'vscode';
import {
  parseFromTrainPanel,
  type FromTrainPanel,
  type RunRequest,
  type ToTrainPanel,
} from '../../protocol/train-panel';
import type { RunFinished, WireTrainRun } from '../../protocol/worker';
import { parseWorkers, type WorkersChoice } from '../../core/engine/train/workers-choice';
import { DataChooser } from '../data/chooser';
import { onValidMessage, webviewHtml, webviewOptions, type PageOptions } from '../webview/scaffold';
import { saveRun } from './save';
import { requireTrust } from '../trust';
import { trackModelPanel } from '../active-model';
import { markStepDone } from '../walkthrough';
import { TRAIN_VIEW_TYPE } from '../view-types';
import { JobCancelledError, type WorkerHost } from '../worker-host';

/** The Train panel's page: its bundle, its stylesheet and uPlot's. */
export function trainPage(title: string): PageOptions {
  return { title, script: 'train', styles: ['train.css'], libraryStyles: ['uPlot.min.css'] };
}

/** What the webview keeps in its state so the serializer can reopen the panel on the same model. */
export interface TrainPanelState {
  modelPath?: string;
}

/** What `start` resolves with: per run, the epochs trained and the final validation accuracy. */
export interface RunSummary {
  run: string;
  epochs: number;
  valAcc: number | null;
  cancelled: boolean;
}

/** The dropoutLens.train.workers setting ("1", "2" or "auto"; anything else is one thread). */
function trainWorkers(): WorkersChoice {
  // String(): a hand-edited settings.json may hold the number 2.
  const value = vscode.workspace.getConfiguration('dropoutLens.train').get<unknown>('workers', '1');
  return parseWorkers(String(value)) ?? 1;
}
export class TrainPanel implements vscode.Disposable {
  private static readonly open = new Map<string, TrainPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly trained = new Map<string, WireTrainRun>();
  private readonly data: DataChooser;
  private cancel?: vscode.CancellationTokenSource;
  private disposed = false;

  private markReady!: () => void;
  /** Resolves once the webview has asked for its data (the form exists). */
  private readonly ready = new Promise<void>((resolve) => (this.markReady = resolve));

  static show(
    extensionUri: vscode.Uri,
    worker: WorkerHost,
    log: vscode.LogOutputChannel,
    model: vscode.Uri,
  ): TrainPanel {
    const existing = TrainPanel.open.get(model.fsPath);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      TRAIN_VIEW_TYPE,
      `Train: ${basename(model.fsPath)}`,
      vscode.ViewColumn.Beside,
      webviewOptions(extensionUri),
    );
    return new TrainPanel(panel, extensionUri, worker, log, model);
  }

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly worker: WorkerHost,
    private readonly log: vscode.LogOutputChannel,
    private readonly model: vscode.Uri,
  ) {
    TrainPanel.open.set(model.fsPath, this);
    trackModelPanel(panel, model);
    this.data = new DataChooser(model, worker, log);
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = webviewHtml(panel.webview, extensionUri, trainPage(panel.title));
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      onValidMessage(panel.webview, parseFromTrainPanel, (m) => this.onMessage(m), log),
    );
  }

  dispose(): void {
    // Closing the panel stops its job in the worker (or takes it out of the queue).
    this.disposed = true;
    this.cancel?.cancel();
    TrainPanel.open.delete(this.model.fsPath);
    this.disposables.forEach((d) => d.dispose());
  }

  private post(message: ToTrainPanel): void {
    // A closed panel's webview throws on access; a job ending after the close has nobody to tell.
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  private async onMessage(m: FromTrainPanel): Promise<void> {
    try {
      switch (m.type) {
        case 'ready': {
          // start() waits for this, whatever the offer comes to.
          try {
            const data = await this.data.offerOrError();
            // The training block's epochs and seed with the schema's defaults, read with the model's input.
            const { epochs, seed } = this.data.input;
            const model = { name: basename(this.model.fsPath), path: this.model.fsPath, epochs, seed };
            this.post({ type: 'init', model, data });
          } finally {
            this.markReady();
          }
          return;
        }
        case 'browse': {
          const data = await this.data.browse();
          if (data) this.post({ type: 'data', data });
          return;
        }
        case 'cancel':
          return this.cancel?.cancel();
        case 'run':
          return void (await this.runExperiment(m));
        case 'save': {
          const run = this.trained.get(m.run);
          if (!run) throw new Error(`run "${m.run}" has no trained weights in this session: train it again`);
          const message = await saveRun(m.kind, run, this.model);
          if (message) this.post({ type: 'notice', level: 'info', message });
          return;
        }
      }
    } catch (e) {
      this.showError(e);
    }
  }

  private showError(e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    this.log.error(`Train panel: ${message}`);
    this.post({ type: 'notice', level: 'error', message });
  }

  /** Starts an experiment as if its button was pressed (the command's programmatic form). */
  async start(request: RunRequest): Promise<RunSummary[]> {
    await this.ready;
    try {
      return await this.runExperiment(request);
    } catch (e) {
      this.showError(e);
      throw e;
    }
  }

  private async runExperiment(request: RunRequest): Promise<RunSummary[]> {
    if (!requireTrust(vscode, 'Train with Dropout')) throw new Error('the workspace is not trusted');
    await this.data.check(request);
    if (this.cancel) throw new Error('an experiment is already running; cancel it first');
    this.data.remember(request);
    const source = (this.cancel = new vscode.CancellationTokenSource());
    this.post({ type: 'experiment', experiment: request.experiment });
    let cancelled = false;
    const summaries: RunSummary[] = [];
    try {
      await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Training ${basename(this.model.fsPath)}`,
          cancellable: true,
        },
        async (progress, token) => {
          token.onCancellationRequested(() => source.cancel());
          // The worker expands the experiment into its runs and names them with its first event.
          let runs: string[] = [];
          let current: string | undefined;
          let started = 0;
          let lastEpoch = 0;
          const onFinished = ({ finished: r, hints }: RunFinished) => {
            current = undefined;
            this.post({ type: 'runDone', run: r.run, seconds: r.seconds, cancelled: r.cancelled, hints });
            // A run cut short keeps no weights and has no summary; the earlier runs keep theirs.
            if (r.oneWorkerReason) {
              const why = `Run "${r.run}" trained on one thread: ${r.oneWorkerReason}.`;
              this.log.info(`Train panel: ${why}`);
              void vscode.window.showInformationMessage(`Dropout Lens: ${why}`);
            }
            if (r.cancelled) return;
            markStepDone('trained');
            this.trained.set(r.run, r);
            const last = r.epochs[r.epochs.length - 1];
            summaries.push({
              run: r.run,
              epochs: r.epochs.length,
              valAcc: last?.valAcc ?? null,
              cancelled: false,
            });
          };
          try {
            await this.worker.run(
              'train',
              {
                model: this.model.fsPath,
                data: request.data,
                labelColumn: request.labelColumn,
                epochs: request.epochs,
                seed: request.seed,
                experiment: { kind: request.experiment, rates: request.rates },
                boundary: { size: 40, every: Math.max(1, Math.floor(request.epochs / 30)) },
                workers: trainWorkers(),
              },
              (p) => {
                if ('finished' in p) return onFinished(p);
                this.post({ type: 'progress', ...p });
                if (p.runs) runs = p.runs;
                if (p.run !== current) [current, started, lastEpoch] = [p.run, Date.now(), 0];
                if (p.metrics && p.epoch > lastEpoch) {
                  progress.report({
                    message: `${p.run} (${runs.indexOf(p.run) + 1}/${runs.length}): epoch ${p.epoch}/${p.epochs}`,
                    increment: (100 * (p.epoch - lastEpoch)) / (runs.length * p.epochs),
                  });
                  lastEpoch = p.epoch;
                }
              },
              source.token,
              (ahead) => progress.report({ message: `queued (${ahead} ahead)` }),
            );
          } catch (e) {
            if (!(e instanceof JobCancelledError)) throw e;
            cancelled = true;
            // A run cut short before it reported its end: its time is the time it ran.
            if (current) {
              const seconds = (Date.now() - started) / 1000;
              this.post({ type: 'runDone', run: current, seconds, cancelled: true, hints: [] });
            }
          }
        },
      );
    } finally {
      this.cancel = undefined;
      source.dispose();
      this.post({ type: 'experimentDone', cancelled });
    }
    return summaries;
  }
}

/** Reopens Train panels after a reload (registered under TRAIN_VIEW_TYPE at activation). */
export function trainPanelSerializer(
  extensionUri: vscode.Uri,
  worker: WorkerHost,
  log: vscode.LogOutputChannel,
): vscode.WebviewPanelSerializer<TrainPanelState> {
  return {
    async deserializeWebviewPanel(panel, state) {
      if (!state?.modelPath) return panel.dispose();
      new TrainPanel(panel, extensionUri, worker, log, vscode.Uri.file(state.modelPath));
    },
  };
}
