// Training-mode ONNX exports in the model view: a random op and a training-mode BatchNorm are errors on
// their rows, a model listed under mcModels says so in its header, and Fix and Save As names its fixes.
import * as assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCommand, webviewFrame } from './webview';
import { acceptSaveDialog, openWorkbench, quickOpen, screenshot, type Workbench } from './workbench';

const RULES = resolve(__dirname, '../../../test/fixtures/onnx-torch/rules');

describe('e2e: training-mode exports', () => {
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench();
    cpSync(join(RULES, 'stochastic_depth.onnx'), join(wb.workspace, 'stochastic-depth.onnx'));
    cpSync(join(RULES, 'stochastic_depth.onnx'), join(wb.workspace, 'stochastic-depth-mc.onnx'));
    cpSync(join(RULES, 'bn_train_opset13.onnx'), join(wb.workspace, 'bn-train.onnx'));
    writeFileSync(join(wb.workspace, '.dropoutlens.json'), JSON.stringify({ mcModels: ['*-mc.onnx'] }));
  });
  after(async () => {
    await wb?.close();
  });

  it('shows the stochastic depth op as an error on its row, and the MC mark of a listed copy as info', async () => {
    const { page } = wb;
    await quickOpen(page, 'stochastic-depth.onnx');
    const view = await webviewFrame(page, 'summary:has-text("stochastic-depth.onnx")', 60_000);
    const row = view.locator('table.layers tr', { hasText: 'RandomUniformLike' }).first();
    await row.locator('.finding.sev-error', { hasText: 'random-op-at-inference' }).waitFor();
    await screenshot(page, 'training-export-random-op');

    await quickOpen(page, 'stochastic-depth-mc.onnx');
    const marked = await webviewFrame(page, 'summary:has-text("stochastic-depth-mc.onnx")', 60_000);
    await marked
      .locator('table.layers tr', { hasText: 'RandomUniformLike' })
      .locator('.finding.sev-info', { hasText: 'random-op-at-inference' })
      .waitFor();
    await marked.locator('details.model-header').evaluate((d) => ((d as HTMLDetailsElement).open = true));
    const fact = marked.locator('.facts div', { hasText: 'MC model' });
    assert.equal(
      (await fact.innerText()).replace(/\s+/g, ' '),
      'MC model marked by .dropoutlens.json mcModels "*-mc.onnx"',
    );
    await screenshot(page, 'training-export-mc-header');
  });

  it('Fix and Save As names the BatchNorm fix and the fixed model has no finding left', async () => {
    const { page } = wb;
    await quickOpen(page, 'bn-train.onnx');
    await webviewFrame(page, 'summary:has-text("bn-train.onnx")', 60_000);
    await runCommand(page, 'Dropout Lens: Fix and Save As…');
    await acceptSaveDialog(page, 'bn-train.fixed.onnx');
    const toast = page.locator('.notification-toast', { hasText: 'saved bn-train.fixed.onnx with 1 fix' });
    await toast.waitFor({ timeout: 30_000 });
    const text = (await toast.innerText()).replace(/\s+/g, ' ');
    assert.ok(
      text.includes(
        "BatchNormalization '/bn/BatchNormalization': training_mode → false (batchnorm-training-mode)",
      ),
      text,
    );
    await page.waitForTimeout(500); // the toast slides in
    await screenshot(page, 'training-export-bn-fixed');
  });
});
