// In an untrusted workspace Dropout Lens lints and shows models, and refuses what runs or writes the
// workspace's files (Train with Dropout, Show MC Uncertainty, Fix and Save As), also when a command is
// run by id, where menus cannot hide it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ruleOf, waitForDiagnostics, workspaceFile } from '../helpers';

const webviewTabs = () =>
  vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview);

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

describe('an untrusted workspace (Restricted Mode)', () => {
  it('is untrusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('still lints model files', async () => {
    const uri = workspaceFile('keep-prob-mistake.nn.json');
    await vscode.window.showTextDocument(uri);
    await waitForDiagnostics(uri, (d) => d.some((x) => ruleOf(x) === 'keep-prob-confusion'));
  });

  it('refuses Train with Dropout and Show MC Uncertainty run by id: no panel, no job', async () => {
    const uri = workspaceFile('digits-mlp.nn.json');
    const trained = await vscode.commands.executeCommand('dropoutLens.trainWithDropout', uri, {
      experiment: 'compare',
      data: 'builtin:digits',
      epochs: 1,
      seed: 1,
    });
    assert.equal(trained, undefined);
    await vscode.commands.executeCommand('dropoutLens.showUncertainty', uri);
    // Give a panel that should not exist the time it would take to open.
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(
      webviewTabs().map((t) => t.label),
      [],
    );
  });

  it('refuses Fix and Save As run by id: nothing is written', async () => {
    const extension = vscode.extensions.getExtension('dropout-lens.dropout-lens');
    assert.ok(extension);
    const model = vscode.Uri.joinPath(
      extension.extensionUri,
      'test/fixtures/onnx-torch/mlp_train_opset13.onnx',
    );
    const target = workspaceFile('refused.fixed.onnx');
    const saved = await vscode.commands.executeCommand('dropoutLens.fixAndSaveAs', model, target);
    assert.equal(saved, undefined);
    assert.equal(await exists(target), false);
  });
});
