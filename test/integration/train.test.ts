import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { workspaceFile } from './helpers';

interface RunSummary {
  run: string;
  epochs: number;
  valAcc: number | null;
  cancelled: boolean;
}

const trainTabs = () =>
  vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter(
      (t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('dropoutLens.train'),
    );

describe('Train with Dropout in the extension host', () => {
  it('is contributed as a command', async () => {
    assert.ok((await vscode.commands.getCommands(true)).includes('dropoutLens.trainWithDropout'));
  });

  it('opens a panel for digits-mlp.nn.json and trains with and without dropout in the worker', async () => {
    const uri = workspaceFile('digits-mlp.nn.json');
    const results = (await vscode.commands.executeCommand('dropoutLens.trainWithDropout', uri, {
      experiment: 'compare',
      data: 'builtin:digits',
      epochs: 3,
      seed: 1,
    })) as RunSummary[];
    assert.equal(trainTabs().length, 1, 'one Train panel');
    assert.equal(trainTabs()[0]?.label, 'Train: digits-mlp.nn.json');
    assert.deepEqual(
      results.map((r) => [r.run, r.epochs, r.cancelled]),
      [
        ['dropout', 3, false],
        ['no-dropout', 3, false],
      ],
    );
    for (const r of results) assert.ok((r.valAcc ?? 0) > 0.8, `${r.run}: val acc ${r.valAcc} after 3 epochs`);
  });

  it('reuses the panel of a model that already has one', async () => {
    await vscode.commands.executeCommand('dropoutLens.trainWithDropout', workspaceFile('digits-mlp.nn.json'));
    assert.equal(trainTabs().length, 1);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
