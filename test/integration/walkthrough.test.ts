// The walkthrough's first step: Open Sample Model opens the workspace's copy of the sample when there is
// one, else shows the shipped sample as an unsaved document named for the workspace folder (nothing is
// written until the user saves), with its keep-prob finding either way.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { allTabs, ruleOf, waitForDiagnostics, waitForTab, workspaceFile } from './helpers';

const openSample = () => vscode.commands.executeCommand<vscode.TextEditor>('dropoutLens.openSample');
const keepProbFound = (uri: vscode.Uri) =>
  waitForDiagnostics(uri, (d) => d.some((x) => ruleOf(x) === 'keep-prob-confusion'));

describe('walkthrough', () => {
  const copy = workspaceFile('keep-prob-mistake.nn.json');
  const aside = workspaceFile('keep-prob-mistake.nn.json.aside');
  afterEach(() => vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor'));

  it('Open Sample Model opens the workspace’s copy of the sample when it has one', async () => {
    const editor = await openSample();
    assert.equal(editor.document.uri.toString(), copy.toString());
    await keepProbFound(copy);
  });

  it('Open Sample Model otherwise opens the shipped sample unsaved, in the workspace folder', async () => {
    await vscode.workspace.fs.rename(copy, aside);
    try {
      const { document } = await openSample();
      assert.equal(document.uri.toString(), copy.with({ scheme: 'untitled' }).toString());
      assert.ok(document.isUntitled && document.isDirty);
      assert.match(document.getText(), /"rate": 0\.9/);
      await keepProbFound(document.uri);
      await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(copy)), 'nothing was written');
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      await vscode.workspace.fs.rename(aside, copy);
    }
  });
});

// Commands and walkthrough buttons act on the model the user is looking at (an editor or a panel),
// else on the last model used in this window; a file picker only when there is none.
describe('the model a command acts on', () => {
  const panelTab = (label: string) => (t: vscode.Tab) =>
    t.input instanceof vscode.TabInputWebview && t.label === label;
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('is the active Train panel’s model, not the text editor beside it', async () => {
    await vscode.window.showTextDocument(workspaceFile('digits-mlp.nn.json'));
    await vscode.commands.executeCommand('dropoutLens.trainWithDropout', workspaceFile('moons-mc.nn.json'));
    const train = await waitForTab(panelTab('Train: moons-mc.nn.json'));
    assert.ok(train.isActive && train.group.isActive, 'the Train panel is the active tab');
    await vscode.commands.executeCommand('dropoutLens.showUncertainty');
    await waitForTab(panelTab('MC Uncertainty: moons-mc.nn.json'));
    assert.ok(!allTabs().some(panelTab('MC Uncertainty: digits-mlp.nn.json')));
  });

  it('is the model used last when the active file is no model, or none is open', async () => {
    await vscode.window.showTextDocument(workspaceFile('wine-selu.nn.json'));
    await vscode.window.showTextDocument(workspaceFile('moons-mc.weights.json'));
    await vscode.commands.executeCommand('dropoutLens.showModel');
    await waitForTab(panelTab('Model: wine-selu.nn.json'));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('dropoutLens.showModel');
    await waitForTab(panelTab('Model: wine-selu.nn.json'));
  });
});
