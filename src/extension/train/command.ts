// "Dropout Lens: Train with Dropout": from the palette (the active model file), an editor title button
// or the explorer's context menu (the clicked file). Needs a trusted workspace, checked where the
// command is registered (activate.ts): training reads and runs the workspace's files.
import * as vscode from 'vscode';
import { parseFromTrainPanel, type RunRequest } from '../../protocol/train-panel';
import { TrainPanel, type RunSummary } from './panel';
import type { WorkerHost } from '../worker-host';

const isModel = (uri: vscode.Uri) => /\.nn\.json$|(^|[\\/])model\.json$/.test(uri.fsPath);

export function trainWithDropoutCommand(
  extensionUri: vscode.Uri,
  worker: WorkerHost,
  log: vscode.LogOutputChannel,
) {
  // With `run` (a programmatic call), the experiment starts at once and the command resolves with its
  // results once it ends.
  return async (clicked?: vscode.Uri, run?: RunRequest): Promise<RunSummary[] | undefined> => {
    let model = clicked instanceof vscode.Uri ? clicked : vscode.window.activeTextEditor?.document.uri;
    if (!model || model.scheme !== 'file' || !isModel(model)) {
      const picked = await vscode.window.showOpenDialog({
        title: 'Train with Dropout: pick a model',
        filters: { 'Models (.nn.json, TensorFlow.js model.json)': ['json'] },
        canSelectMany: false,
      });
      model = picked?.[0];
    }
    if (!model) return undefined;
    const panel = TrainPanel.show(extensionUri, worker, log, model);
    if (!run) return undefined;
    const request = parseFromTrainPanel({ ...run, type: 'run' });
    if (request?.type !== 'run') throw new Error('Train with Dropout: the run request is malformed');
    return panel.start(request);
  };
}
