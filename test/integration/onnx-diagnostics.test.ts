// ONNX files in the model view: their findings in the Problems panel while open (at line 0, naming the
// node), cleared on close; Fix and Save As writes a new file and leaves the original as it was.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { copyFixture, ruleOf, waitForDiagnostics, workspaceFile } from './helpers';

const FIXTURE = 'test/fixtures/onnx-torch/mlp_train_opset13.onnx';

describe('ONNX diagnostics and Fix and Save As', () => {
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('shows the findings of an open .onnx file at line 0 naming the node, and clears them on close', async () => {
    const uri = await copyFixture(FIXTURE, 'train-mode.onnx');
    await vscode.commands.executeCommand('vscode.openWith', uri, 'dropoutLens.onnxModel');
    const found = await waitForDiagnostics(uri, (d) => d.length > 0);
    assert.deepEqual(
      found.map((d) => [ruleOf(d), d.range.start.line, d.range.end.line, d.severity]),
      [['dropout-active-at-inference', 0, 0, vscode.DiagnosticSeverity.Error]],
    );
    assert.match(found[0]?.message ?? '', /^\/2\/Dropout: /);
    // On the file's URI with its layer as fragment: the Problems panel opens that, and the view selects it.
    const [[at]] = vscode.languages.getDiagnostics().filter(([u]) => u.path === uri.path);
    assert.equal(at?.fragment, 'layer=/2/Dropout');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitForDiagnostics(uri, (d) => d.length === 0);
  });

  it('Fix and Save As writes the fixed model to a new file and refuses to overwrite the original', async () => {
    const uri = await copyFixture(FIXTURE, 'to-fix.onnx');
    const original = await vscode.workspace.fs.readFile(uri);
    const target = workspaceFile('to-fix.fixed.onnx');
    const saved = await vscode.commands.executeCommand<vscode.Uri>('dropoutLens.fixAndSaveAs', uri, target);
    assert.equal(saved?.toString(), target.toString());
    const fixed = await vscode.workspace.fs.readFile(target);
    assert.ok(fixed.length > 0 && fixed.length < original.length, `${fixed.length} < ${original.length}`);
    const refused = await vscode.commands.executeCommand('dropoutLens.fixAndSaveAs', uri, uri);
    assert.equal(refused, undefined);
    assert.deepEqual(await vscode.workspace.fs.readFile(uri), original);
    // The fixed file opens with nothing to report, while the original still reports.
    await vscode.commands.executeCommand('vscode.openWith', uri, 'dropoutLens.onnxModel');
    await vscode.commands.executeCommand(
      'vscode.openWith',
      target,
      'dropoutLens.onnxModel',
      vscode.ViewColumn.Beside,
    );
    await waitForDiagnostics(uri, (d) => d.length === 1);
    assert.deepEqual(
      vscode.languages.getDiagnostics().filter(([u, d]) => u.path === target.path && d.length > 0),
      [],
    );
  });
});
