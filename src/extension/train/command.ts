// "Dropout Lens: Train with Dropout": from the palette or the walkthrough (the model the user looks at
// or used last, active-model.ts), an editor title button or the explorer's context menu (the clicked file). Needs a trusted workspace, checked where the
// command is registered (activate.ts): training reads and runs the workspace's files.
import * as vscode from 'vscode';
import { parseFromTrainPanel, type RunRequest } from '../../protocol/train-panel';
import { TrainPanel, type RunSummary } from './panel';
import { modelOnDisk, modelToActOn, TRAINABLE_MODEL } from '../active-model';
import type { WorkerHost } from '../worker-host';

export function trainWithDropoutCommand(
  extensionUri: vscode.Uri,
  worker: WorkerHost,
  log: vscode.LogOutputChannel,
) {
  // With `run` (a programmatic call), the experiment starts at once and the command resolves with its
  // results once it ends.
  return async (clicked?: vscode.Uri, run?: RunRequest): Promise<RunSummary[] | undefined> => {
    const chosen = await modelToActOn(TRAINABLE_MODEL, clicked);
    const model = chosen && (await modelOnDisk(chosen, 'Train with Dropout'));
    if (!model) return undefined;
    const panel = TrainPanel.show(extensionUri, worker, log, model);
    if (!run) return undefined;
    const request = parseFromTrainPanel({ ...run, type: 'run' });
    if (request?.type !== 'run') throw new Error('Train with Dropout: the run request is malformed');
    return panel.start(request);
  };
}
