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

  // Each Keras example as .keras and .h5 gets the rules its TensorFlow.js version gets (opened here too);
  // layer names may differ (Keras 3 numbers its layers from 0, Keras 2 and the converter from 1).
  for (const name of [
    'mnist_cnn',
    'cifar10_cnn',
    'imdb_lstm',
    'imdb_bidirectional_lstm',
    'reuters_mlp_selu',
  ]) {
    it(`${name}: the .keras and the .h5 get the findings of its TensorFlow.js version`, async function () {
      this.timeout(60_000);
      const rules = async (uri: vscode.Uri, expected?: number) => {
        await vscode.commands.executeCommand('vscode.open', uri);
        if (expected === 0) {
          await waitForTab((t) => (t.input as { uri?: vscode.Uri } | undefined)?.uri?.path === uri.path);
          await new Promise((r) => setTimeout(r, 1500)); // a finding would have arrived by now
          return (await waitForDiagnostics(uri, () => true)).map(ruleOf);
        }
        const found = await waitForDiagnostics(
          uri,
          (d) => d.length > 0 && (expected ?? d.length) === d.length,
        );
        return found.map(ruleOf).sort();
      };
      const tfjs = await copyFixture(
        `test/fixtures/architectures/tfjs/${name}/model.json`,
        `tfjs-${name}/model.json`,
      );
      // The SELU MLP's AlphaDropout is what SELU networks should have: no finding.
      const expected = await rules(tfjs, name === 'reuters_mlp_selu' ? 0 : undefined);
      for (const ext of ['keras', 'h5']) {
        const uri = await copyFixture(`${FIXTURES}/${name}.${ext}`, `${name}.${ext}`);
        assert.deepEqual(await rules(uri, expected.length), expected, `${name}.${ext}`);
      }
    });
  }

  it('says why a Keras .h5 cut short cannot be read, and nothing about an .h5 of other data', async () => {
    const whole = await vscode.workspace.fs.readFile(
      await copyFixture(`${FIXTURES}/mnist_cnn.h5`, 'whole.h5'),
    );
    // The model_config attribute is inside the first 4,000 bytes: the Keras reader takes the file.
    const cut = workspaceFile('cut.h5');
    await vscode.workspace.fs.writeFile(cut, whole.slice(0, 4000));
    // HDF5's signature and no model_config: some other HDF5 file (data, weights only).
    const data = workspaceFile('data.h5');
    await vscode.workspace.fs.writeFile(data, new Uint8Array([...whole.slice(0, 8), ...new Uint8Array(600)]));
    await vscode.commands.executeCommand('vscode.open', data);
    await vscode.commands.executeCommand('vscode.open', cut);
    const [error] = await waitForDiagnostics(cut, (d) => d.length > 0);
    assert.equal(error?.severity, vscode.DiagnosticSeverity.Error);
    assert.match(error?.message ?? '', /cut\.h5: HDF5 .*the file ends early/);
    // data.h5 went to the worker first, and its one thread answers in order: its result is in by now.
    assert.deepEqual(await waitForDiagnostics(data, () => true), []);
  });

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
