// Train with Dropout as a user runs it: open a model, start the command from the palette, watch the
// curves advance epoch by epoch, cancel, then compare with and without dropout to the end and read both
// runs' final accuracy from the panel, then save and export the finished run through the save dialogs.
// The webview is two iframes deep; its frame is found by content.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Frame, Page } from 'playwright-core';
import { loadData } from '../../src/core/data/load';
import { nodeDataSource } from '../../src/core/data/node-data';
import { buildFromGraph } from '../../src/core/engine/build';
import { Network } from '../../src/core/engine/network';
import { openModel } from '../../src/core/formats/detect';
import { decodeWeights, weightsByName } from '../../src/core/formats/nnjson/weights';
import { nodeModelSource } from '../../src/core/formats/node-model-source';
import { enginePredict, maxDiff } from '../unit/export/engine-predict';
import { acceptSaveDialog, openWorkbench, quickOpen, screenshot, type Workbench } from './workbench';
import { dataPicked, optionText, runCommand } from './webview';

async function trainFrame(page: Page): Promise<Frame> {
  for (let i = 0; i < 150; i++) {
    for (const frame of page.frames())
      if (
        await frame
          .locator('#status')
          .count()
          .catch(() => 0)
      )
        return frame;
    await page.waitForTimeout(200);
  }
  throw new Error('the Train with Dropout panel never appeared');
}

const epochOf = async (frame: Frame) => Number(await frame.locator('#status').getAttribute('data-epoch'));

async function waitForEpoch(frame: Frame, atLeast: number): Promise<number> {
  for (let i = 0; i < 600; i++) {
    const e = await epochOf(frame);
    if (e >= atLeast) return e;
    await frame.waitForTimeout(100);
  }
  const said = await frame.locator('#root').innerText();
  throw new Error(`training never reached epoch ${atLeast}; the panel says: ${said.slice(0, 400)}`);
}

const idle = (frame: Frame) =>
  frame
    .locator('#status[data-running="false"]', { hasText: /Finished|Cancelled/ })
    .waitFor({ timeout: 170_000 });

describe('e2e: Train with Dropout', () => {
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench();
  });
  after(async () => {
    await wb?.close();
  });

  it('trains digits-mlp live, cancels, and compares with vs without dropout', async () => {
    const { page } = wb;
    await quickOpen(page, 'digits-mlp.nn.json');
    await runCommand(page, 'Dropout Lens: Train with Dropout');
    const frame = await trainFrame(page);
    // Enabled once the extension has sent the data choices (the form is then rebuilt).
    await frame.locator('vscode-button[data-experiment="as-is"]:not([disabled])').waitFor();
    // The model's training block names digits (64 features, as its input): the chooser starts there.
    await dataPicked(frame, 'builtin:digits');
    assert.equal(await optionText(frame), 'digits (built-in) · 64 features');
    assert.equal(await frame.locator('#status').innerText(), 'Pick an experiment.');
    await screenshot(page, 'train-opened');

    // More epochs than the panel runs: the form says so, and nothing starts.
    await frame.locator('#epochs input').fill('20000');
    await frame.locator('vscode-button[data-experiment="as-is"]').click();
    await frame
      .locator('#notice.error', { hasText: 'Epochs must be a whole number from 1 to 10,000.' })
      .waitFor({ timeout: 10_000 });
    assert.equal(await frame.locator('#status').innerText(), 'Pick an experiment.');

    // A long run (the engine does an epoch of digits in a few tens of ms): watch the epoch count take
    // at least three different values while it runs, then cancel.
    await frame.locator('#epochs input').fill('400');
    await frame.locator('vscode-button[data-experiment="as-is"]').click();
    await waitForEpoch(frame, 1);
    const seen = new Set<number>();
    for (let i = 0; i < 500 && seen.size < 3; i++) {
      seen.add(await epochOf(frame));
      await frame.waitForTimeout(20);
    }
    assert.ok(seen.size >= 3, `the epoch count advanced: ${[...seen]}`);
    await frame.locator('#charts .uplot').first().waitFor();
    assert.equal(await frame.locator('#charts .uplot').count(), 2, 'loss and accuracy charts');
    await screenshot(page, 'train-live');
    await frame.locator('#cancel').click();
    await idle(frame);
    assert.match((await frame.locator('#status').innerText()) ?? '', /Cancelled/);
    const cancelledAt = await epochOf(frame);
    assert.ok(cancelledAt < 400, `cancelled before the end (epoch ${cancelledAt})`);
    await screenshot(page, 'train-cancelled');

    // With vs without dropout, 15 epochs, to the end.
    await frame.locator('#epochs input').fill('15');
    await frame.locator('vscode-button[data-experiment="compare"]').click();
    await frame
      .locator('#status[data-running="true"]')
      .waitFor({ timeout: 20_000 })
      .catch(async (e: Error) => {
        throw new Error(
          `${e.message}; the panel says: ${(await frame.locator('#root').innerText()).slice(0, 300)}`,
        );
      });
    await idle(frame);
    const acc = async (run: string) =>
      (await frame.locator(`tr[data-run="${run}"] td[data-metric="valAcc"]`).innerText()).trim();
    const withDropout = await acc('dropout');
    const without = await acc('no-dropout');
    for (const run of ['dropout', 'no-dropout'])
      assert.equal(
        (await frame.locator(`tr[data-run="${run}"] td[data-metric="epochs"]`).innerText()).trim(),
        '15/15',
      );
    assert.match(withDropout, /^\d+\.\d%$/);
    assert.match(without, /^\d+\.\d%$/);
    console.log(`digits-mlp, 15 epochs, seed 1: val acc with dropout ${withDropout}, without ${without}`);
    await screenshot(page, 'train-compare');
  });

  it('saves the weights and exports ONNX, PyTorch and Keras from the finished run', async () => {
    const { page, workspace } = wb;
    const frame = await trainFrame(page);
    // Each action of the run's Save menu opens VS Code's save dialog with the suggested path.
    const save = async (label: string, file: string, said: RegExp) => {
      await frame.locator('vscode-button[aria-label="Save or export dropout"]').click();
      await frame.locator('.menu [role="menuitem"]', { hasText: label }).click();
      await acceptSaveDialog(page, file);
      await frame.locator('#notice', { hasText: said }).waitFor({ timeout: 30_000 });
      assert.ok(existsSync(join(workspace, file)), `${file} is in the workspace`);
    };
    await save('Save weights', 'digits-mlp.weights.bin', /Saved the weights of "dropout"/);
    await save('Export ONNX', 'digits-mlp-dropout.onnx', /Exported "dropout" .*ONNX/);
    await save('Export PyTorch', 'digits_mlp_dropout_pytorch.py', /PyTorch, weights embedded/);
    await save('Export Keras', 'digits_mlp_dropout_keras.py', /Keras, weights embedded/);
    for (const file of ['digits-mlp-dropout.onnx', 'digits_mlp_dropout_keras.py'])
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: file }).waitFor();
    await screenshot(page, 'train-exported');
    assert.match(readFileSync(join(workspace, 'digits_mlp_dropout_keras.py'), 'utf8'), /^import keras$/m);
    assert.match(readFileSync(join(workspace, 'digits_mlp_dropout_pytorch.py'), 'utf8'), /^import torch$/m);

    // The exported ONNX, run by onnxruntime, predicts what the engine predicts with the saved weights.
    const built = buildFromGraph(openModel(nodeModelSource(join(workspace, 'digits-mlp.nn.json'))));
    const weights = decodeWeights(readFileSync(join(workspace, 'digits-mlp.weights.bin')));
    const net = new Network(built.inputShape, built.specs);
    net.importWeights(weightsByName(weights));
    const rows = 16;
    const x = loadData('builtin:digits', nodeDataSource).x.slice(0, rows * 64);
    const session = await ort.InferenceSession.create(join(workspace, 'digits-mlp-dropout.onnx'));
    const out = await session.run({ input: new ort.Tensor('float32', x, [rows, 64]) });
    const want = enginePredict(net, x, rows, {
      standardization: weights.standardization,
      softmax: built.softmaxInLoss,
    });
    const diff = maxDiff((out.output as ort.Tensor).data as Float32Array, want);
    assert.ok(diff < 1e-5, `max |onnxruntime − engine| = ${diff}`);
  });

  it('draws the decision boundary on moons', async () => {
    const { page } = wb;
    await quickOpen(page, 'moons-early-dropout.nn.json');
    await runCommand(page, 'Dropout Lens: Train with Dropout');
    let frame: Frame | undefined;
    for (let i = 0; i < 100 && !frame; i++) {
      for (const f of page.frames())
        if (
          await f
            .locator('header', { hasText: 'moons-early-dropout' })
            .count()
            .catch(() => 0)
        )
          frame = f;
      if (!frame) await page.waitForTimeout(200);
    }
    assert.ok(frame, 'a second panel for the moons model');
    await frame.locator('#epochs input').fill('20');
    await frame.locator('vscode-button[data-experiment="compare"]').click();
    await frame.locator('#status[data-running="true"]').waitFor();
    await idle(frame);
    const figure = frame.locator('#boundary');
    assert.equal(await figure.isHidden(), false);
    assert.equal(await figure.getAttribute('data-epoch'), '20');
    // The canvas holds more than one colour: two classes painted.
    const colours = await frame.locator('#boundary canvas').evaluate((c: HTMLCanvasElement) => {
      const d = (c.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, c.width, c.height).data;
      const seen = new Set<string>();
      for (let i = 0; i < d.length; i += 4 * 97) seen.add(`${d[i]},${d[i + 1]},${d[i + 2]}`);
      return seen.size;
    });
    assert.ok(colours > 2, `${colours} distinct colours on the boundary canvas`);
    await frame.locator('#boundary canvas').scrollIntoViewIfNeeded();
    await screenshot(page, 'train-moons-boundary');
  });
});
