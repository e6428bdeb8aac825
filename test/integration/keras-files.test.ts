// Keras files in the editor: a `.keras` and an `.h5` open in the model view by default, their findings
// sit in the Problems panel on their layers (as an .onnx file's do) while open, and Fix and Save As
// writes no .h5, saying why.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { copyFixture, ruleOf, waitForDiagnostics, waitForTab, workspaceFile } from './helpers';

const FIXTURES = 'test/fixtures/keras';

describe('Keras files (.keras, .h5)', () => {
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  for (const [file, layer] of [
    ['mnist_cnn.keras', 'dropout'],
    ['mnist_cnn.h5', 'dropout_1'],
  ] as const) {
    it(`opens ${file} in the model view by default, its finding on its layer, cleared on close`, async () => {
      const uri = await copyFixture(`${FIXTURES}/${file}`, file);
      await vscode.commands.executeCommand('vscode.open', uri);
      const tab = await waitForTab(
        (t) => t.input instanceof vscode.TabInputCustom && t.input.uri.toString() === uri.toString(),
      );
      assert.ok(tab.input instanceof vscode.TabInputCustom);
      assert.equal(tab.input.viewType, 'dropoutLens.onnxModel');
      // The same finding as the TensorFlow.js version of the model (conv-standard-dropout on its first Dropout).
      const found = await waitForDiagnostics(uri, (d) => d.length > 0);
      assert.deepEqual(
        found.map((d) => [ruleOf(d), d.range.start.line, d.severity]),
        [['conv-standard-dropout', 0, vscode.DiagnosticSeverity.Information]],
      );
      assert.match(found[0]?.message ?? '', new RegExp(`^${layer}: `));
      const [[at]] = vscode.languages
        .getDiagnostics()
        .filter(([u, d]) => u.path === uri.path && d.length > 0);
      assert.equal(at?.fragment, `layer=${layer}`);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await waitForDiagnostics(uri, (d) => d.length === 0);
    });
  }

  it('Fix and Save As writes no .h5 file (no HDF5 writer) and leaves the original as it was', async () => {
    const uri = await copyFixture(`${FIXTURES}/reuters_mlp_selu.h5`, 'refused.h5');
    const original = await vscode.workspace.fs.readFile(uri);
    const target = workspaceFile('refused.fixed.h5');
    const saved = await vscode.commands.executeCommand('dropoutLens.fixAndSaveAs', uri, target);
    assert.equal(saved, undefined);
    await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(target)));
    assert.deepEqual(await vscode.workspace.fs.readFile(uri), original);
  });
});
