// MC dropout on a user's own model and images, in the real extension host's worker, as the MC panel runs
// it: a small CNN the own engine cannot run (Clip, HardSigmoid, BatchNorm exported in training mode) over a
// folder of PNG and JPEG images in class subfolders, and over the same pictures as an .npy file. Its
// deterministic pass must give PyTorch's accuracy and NLL on the same pictures (test/fixtures/mc-images/expected.json); the view names the engine, the classes
// and the images, with thumbnails. A model no engine runs gets an error naming its op and node, and its
// lint keeps working.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { imagenetRgb } from '../unit/data/helpers';
import { copyFixture, waitForDiagnostics, waitForTab, workspaceFile, runMc } from './helpers';

const FIXTURE = 'test/fixtures/mc-images';
const CLASSES = ['circle', 'square', 'stripes'];
const IMAGES = CLASSES.flatMap((c) => [0, 1, 2, 3].map((i) => `${c}/${c}-${i}.${i < 2 ? 'png' : 'jpg'}`));

interface Expected {
  files: string[];
  labels: number[];
  accuracy: number;
  nll: number;
}

const imagenet = imagenetRgb(16, 16);

describe('MC on a model and images of the user (worker job)', () => {
  let expected: Expected;
  before(async () => {
    for (const image of IMAGES) await copyFixture(`${FIXTURE}/images/${image}`, `mc-images/images/${image}`);
    await copyFixture(`${FIXTURE}/tiny-cnn.onnx`, 'mc-images/tiny-cnn.onnx');
    await copyFixture(`${FIXTURE}/unknown-op.onnx`, 'mc-images/unknown-op.onnx');
    for (const name of ['x.npy', 'y.npy'])
      await copyFixture(`${FIXTURE}/arrays/${name}`, `mc-images/arrays/${name}`);
    const json = await vscode.workspace.fs.readFile(
      await copyFixture(`${FIXTURE}/expected.json`, 'mc-images/expected.json'),
    );
    expected = JSON.parse(new TextDecoder().decode(json)) as Expected;
  });

  it("runs a CNN the own engine cannot run on a folder of images, with PyTorch's deterministic figures", async () => {
    const answer = await runMc({
      model: workspaceFile('mc-images/tiny-cnn.onnx').fsPath,
      data: workspaceFile('mc-images/images').fsPath,
      passes: 30,
      preprocessing: imagenet,
    });
    assert.equal(answer.error, undefined);
    const view = answer.result!;
    assert.ok(answer.partials >= 1, 'partial results while it ran');
    assert.equal(view.engine?.name, 'onnxruntime-node');
    assert.match(view.engine?.version ?? '', /^\d+\.\d+/);
    assert.equal(view.summary.passes, 30);
    assert.equal(view.summary.n, 12);
    assert.deepEqual(view.data?.classNames, CLASSES);
    assert.equal(view.data?.labelled, true);
    assert.deepEqual(view.data?.preprocessing, imagenet);
    // PNG decodes exactly and JPEG (4:4:4, quality 95) within a level or two of Pillow's decoder.
    assert.equal(view.deterministic.accuracy, expected.accuracy);
    assert.ok(
      Math.abs((view.deterministic.nll ?? NaN) - expected.nll) < 5e-3,
      `NLL ${view.deterministic.nll} vs PyTorch ${expected.nll}`,
    );
    assert.equal(view.uncertain.length, 8);
    for (const s of view.uncertain) {
      assert.equal(s.name, expected.files[s.index], `sample ${s.index} is its file`);
      assert.equal(s.label, expected.labels[s.index]);
      assert.ok(s.thumbnail, `a thumbnail of ${s.name}`);
      const { width, height, rgba } = s.thumbnail;
      assert.equal(atob(rgba).length, width * height * 4);
      assert.equal(s.features.length, 0, 'images cross as thumbnails, not as their floats');
    }
  });

  it("runs it on the same pictures as an .npy with its labels beside it, with PyTorch's figures", async () => {
    const answer = await runMc({
      model: workspaceFile('mc-images/tiny-cnn.onnx').fsPath,
      data: workspaceFile('mc-images/arrays/x.npy').fsPath,
      passes: 30,
    });
    assert.equal(answer.error, undefined);
    const view = answer.result!;
    assert.equal(view.engine?.name, 'onnxruntime-node');
    assert.equal(view.summary.n, 12);
    assert.equal(view.data?.labelled, true);
    assert.equal(view.data?.preprocessing, undefined, 'arrays are taken as they are');
    // The arrays are PyTorch's own inputs: its figures to float32 rounding.
    assert.equal(view.deterministic.accuracy, expected.accuracy);
    assert.ok(
      Math.abs((view.deterministic.nll ?? NaN) - expected.nll) < 1e-5,
      `NLL ${view.deterministic.nll} vs PyTorch ${expected.nll}`,
    );
    for (const s of view.uncertain) {
      assert.equal(s.label, expected.labels[s.index]);
      assert.equal(s.features.length, 0, 'array samples do not cross as their floats');
    }
  });

  it('names the op and node of a model no engine can run, and its lint keeps working', async () => {
    const model = workspaceFile('mc-images/unknown-op.onnx');
    const answer = await runMc({
      model: model.fsPath,
      data: 'builtin:iris',
      passes: 10,
    });
    assert.equal(answer.result, undefined);
    assert.match(answer.error ?? '', /Mystery/);
    assert.match(answer.error ?? '', /custom_block/);
    await vscode.commands.executeCommand('vscode.open', model);
    const view = await waitForTab((t) => t.input instanceof vscode.TabInputCustom);
    assert.equal(
      (view.input as vscode.TabInputCustom).uri.toString(),
      model.toString(),
      'the model view opens',
    );
    const diagnostics = await waitForDiagnostics(model, (d) => d.length > 0);
    assert.ok(diagnostics.some((d) => d.message.includes("Dropout 'dropout'")));
  });
});
