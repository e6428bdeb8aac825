// The walkthrough's first step: Open Sample Model opens the workspace's copy of the sample when there is
// one, else shows the shipped sample as an unsaved document named for the workspace folder (nothing is
// written until the user saves), with its keep-prob finding either way.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ruleOf, waitForDiagnostics, workspaceFile } from './helpers';

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
