// MC uncertainty as a user gets it: a model trained with the CLI, the panel opened from the palette, a
// run of T = 30 passes, and the ECE, mean entropy and most uncertain sample read from the webview —
// the same figures `dropout-lens mc` prints for the same weights and seed. Then an ONNX file (the moons-mc
// sample, with Dropout nodes) with no data chosen: the built-in set of its input width, with the uncertainty
// maps over the plane.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { openWorkbench, quickOpen, reloadWindow, screenshot, type Workbench } from './workbench';
import { dataPicked, optionText, runCommand, showMcOfOnnx, showRevived, webviewFrame } from './webview';

const CLI = resolve(__dirname, '../../../dist/cli.js');

/** The MC panel of `model` (its heading names the file; the model view is a webview too). */
const panelFrame = (page: Page, model: string): Promise<Frame> =>
  webviewFrame(page, `#root:has(h1:has-text("${model}")) #run`, 60_000);

/** `dropout-lens mc --json` on a workspace file. */
function cliMc(...args: string[]): McReport {
  const mc = spawnSync('node', [CLI, 'mc', ...args, '--json'], { maxBuffer: 1 << 26 });
  assert.equal(mc.status, 0, String(mc.stderr));
  return JSON.parse(String(mc.stdout)) as McReport;
}

interface McReport {
  ece: number;
  meanEntropy: number;
  meanMutualInfo: number;
  samples: { index: number; entropy: number }[];
}

/** Presses Run (from the keyboard) and waits for T passes. */
async function runPasses(page: Page, frame: Frame, passes: number): Promise<void> {
  // Run is enabled once the extension has offered the data and one is picked.
  await frame.locator('#run:not([disabled])').focus();
  await page.keyboard.press('Enter');
  await frame.locator('#status', { hasText: `Done: ${passes} passes` }).waitFor({ timeout: 60_000 });
}

describe('e2e: MC uncertainty panel', () => {
  let wb: Workbench;
  let expected: McReport;
  /** The ONNX panel's ECE, to find again after hiding and showing the panel and after a reload. */
  let onnxEce = '';
  before(async () => {
    wb = await openWorkbench();
    const model = join(wb.workspace, 'digits-trained.nn.json');
    const weights = join(wb.workspace, 'digits-trained.weights.json');
    const spec = JSON.parse(readFileSync(join(wb.workspace, 'digits-mlp.nn.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    writeFileSync(
      model,
      JSON.stringify({ ...spec, name: 'digits-trained', weights: 'digits-trained.weights.json' }, null, 2),
    );
    const train = spawnSync('node', [
      CLI,
      'train',
      join(wb.workspace, 'digits-mlp.nn.json'),
      '--epochs',
      '5',
      '--out',
      weights,
    ]);
    assert.equal(train.status, 0, String(train.stderr));
    expected = cliMc(model, '--passes', '30', '--seed', '0');
  });
  after(async () => {
    await wb?.close();
  });

  it('runs 30 passes from the palette and shows the CLI figures', async () => {
    const { page } = wb;
    await quickOpen(page, 'digits-trained.nn.json');
    await runCommand(page, 'Dropout Lens: Show MC Uncertainty');
    const frame = await panelFrame(page, 'digits-trained.nn.json');
    await runPasses(page, frame, 30);

    const ece = Number(await frame.locator('#ece').innerText());
    const meanEntropy = Number(await frame.locator('#mean-entropy').innerText());
    const top = await frame.locator('#top-sample .sample-head').innerText();
    const mostUncertain = [...expected.samples].sort((a, b) => b.entropy - a.entropy)[0]!;
    assert.equal(ece, Number(expected.ece.toFixed(4)));
    assert.equal(meanEntropy, Number(expected.meanEntropy.toFixed(4)));
    assert.match(top, new RegExp(`^#${mostUncertain.index}: .*entropy ${mostUncertain.entropy.toFixed(3)}`));
    assert.equal(
      await frame.locator('canvas.digit').count(),
      8,
      'the most uncertain digits drawn as 8×8 images',
    );
    await screenshot(page, 'mc-panel');
    await frame.locator('#reliability-chart').scrollIntoViewIfNeeded();
    await screenshot(page, 'mc-panel-charts');
  });

  it('runs on an ONNX file from its model view and maps the uncertainty over the plane', async () => {
    const { page } = wb;
    // Focus back in the workbench (keys typed in a webview stay there).
    await page.locator('.monaco-editor .view-lines').first().click();
    const frame = await showMcOfOnnx(page, 'moons-mc.onnx');
    // An ONNX file names no data: with no choice made, the chooser offers the built-in set of its input
    // width (2 features: moons, the first such set).
    await dataPicked(frame, 'builtin:moons');
    assert.equal(await optionText(frame), 'moons (synthetic 2-D) · 2 features');
    await runPasses(page, frame, 30);
    const want = cliMc(
      join(wb.workspace, 'moons-mc.onnx'),
      '--data',
      'builtin:moons',
      '--passes',
      '30',
      '--seed',
      '0',
    );
    onnxEce = await frame.locator('#ece').innerText();
    assert.equal(Number(onnxEce), Number(want.ece.toFixed(4)));
    assert.equal(
      Number(await frame.locator('#mean-entropy').innerText()),
      Number(want.meanEntropy.toFixed(4)),
    );
    assert.equal(Number(await frame.locator('#mean-mi').innerText()), Number(want.meanMutualInfo.toFixed(4)));
    assert.ok(want.meanEntropy < 0.2, `a trained net on its own data is mostly sure: ${want.meanEntropy}`);
    for (const id of ['map-boundary', 'map-entropy', 'map-mi'])
      assert.equal(await frame.locator(`canvas#${id}`).count(), 1, id);
    // The entropy scale of two classes tops out at ln 2.
    assert.equal(
      await frame.locator('#map-entropy-max').innerText(),
      String(Number(Math.log(2).toPrecision(3))),
    );
    assert.ok(Number(await frame.locator('#map-mi-max').innerText()) > 0, 'MI somewhere on the plane');
    await frame.locator('#map-entropy').scrollIntoViewIfNeeded();
    await screenshot(page, 'mc-panel-onnx-maps');
  });

  it('shows the same figures after being hidden and shown, and after a window reload', async () => {
    const { page } = wb;
    assert.ok(onnxEce, 'the ONNX run came first');
    const check = async (when: string) => {
      const frame = await panelFrame(page, 'moons-mc.onnx');
      await frame.locator('#status', { hasText: 'Done: 30 passes' }).waitFor({ timeout: 30_000 });
      assert.equal(await frame.locator('#ece').innerText(), onnxEce, when);
      assert.equal(await frame.locator('canvas#map-mi').count(), 1, `${when}: the maps`);
    };
    await page.locator('.tab', { hasText: 'MC Uncertainty: digits-trained.nn.json' }).click();
    await page.locator('.tab', { hasText: 'MC Uncertainty: moons-mc.onnx' }).click();
    await check('hidden and shown');
    await reloadWindow(page);
    await showRevived(page, 'MC Uncertainty: moons-mc.onnx', '#root:has(h1:has-text("moons-mc.onnx")) #run');
    await check('after a window reload');
  });
});
