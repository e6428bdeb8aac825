// Show Model opens the model view beside a JSON model; `.onnx` files open in the model view by default.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { layerUri } from '../../src/extension/diagnostics';
import { allTabs, waitForTab, workspaceFile } from './helpers';

const isModelPanel = (label: string) => (t: vscode.Tab) =>
  t.input instanceof vscode.TabInputWebview &&
  t.input.viewType.endsWith('dropoutLens.modelView') &&
  t.label === label;

describe('model view', () => {
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('Show Model opens a panel beside the .nn.json editor', async () => {
    const editor = await vscode.window.showTextDocument(workspaceFile('digits-mlp.nn.json'));
    await vscode.commands.executeCommand('dropoutLens.showModel');
    const tab = await waitForTab(isModelPanel('Model: digits-mlp.nn.json'));
    assert.notEqual(tab.group.viewColumn, editor.viewColumn, 'the panel opens beside the text');
  });

  it('Show Model takes a file from the explorer (a TensorFlow.js model.json) and reuses its panel', async () => {
    const uri = workspaceFile('tfjs-rnn/model.json');
    await vscode.commands.executeCommand('dropoutLens.showModel', uri);
    await waitForTab(isModelPanel('Model: model.json'));
    await vscode.commands.executeCommand('dropoutLens.showModel', uri);
    assert.equal(allTabs().filter(isModelPanel('Model: model.json')).length, 1);
  });

  it('opens .onnx files in the read-only model view by default', async () => {
    const uri = workspaceFile('not-really.onnx');
    await vscode.workspace.fs.writeFile(uri, new Uint8Array([1, 2, 3, 4]));
    await vscode.commands.executeCommand('vscode.open', uri);
    const tab = await waitForTab((t) => t.input instanceof vscode.TabInputCustom);
    assert.ok(tab.input instanceof vscode.TabInputCustom);
    assert.equal(tab.input.viewType, 'dropoutLens.onnxModel');
    assert.equal(tab.input.uri.toString(), uri.toString());
  });

  it('an .onnx model view counts as the model used: Show Model with no editor open shows it again', async () => {
    const uri = workspaceFile('not-really.onnx');
    await vscode.workspace.fs.writeFile(uri, new Uint8Array([1, 2, 3, 4]));
    await vscode.commands.executeCommand('vscode.open', uri);
    await waitForTab((t) => t.input instanceof vscode.TabInputCustom);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('dropoutLens.showModel');
    const tab = await waitForTab((t) => t.input instanceof vscode.TabInputCustom);
    assert.ok(tab.input instanceof vscode.TabInputCustom);
    assert.equal(tab.input.uri.toString(), uri.toString());
  });

  it('a finding on a layer of a deleted .onnx file leaves no blank layer editor open', async () => {
    const uri = workspaceFile('deleted.onnx');
    await vscode.workspace.fs.writeFile(uri, new Uint8Array([1, 2, 3, 4]));
    await vscode.workspace.fs.delete(uri);
    await vscode.commands.executeCommand('vscode.open', layerUri(uri, '/0/Dense'));
    const isLayerTab = (t: vscode.Tab) =>
      t.input instanceof vscode.TabInputCustom && t.input.uri.fragment.startsWith('layer=');
    const deadline = Date.now() + 10_000;
    while (allTabs().some(isLayerTab) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(allTabs().filter(isLayerTab).length, 0);
  });
});
