// The model view of an ONNX file whose shapes stop at an op of another domain says so in its header,
// folded or not, and names the dropout layer the rank rules could not check.
import * as assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openWorkbench, quickOpen, screenshot, type Workbench } from './workbench';
import { webviewFrame } from './webview';

/** Conv → com.example.Mystery → Dropout → Relu (test/fixtures/onnx-shapes/generate.py). */
const CUSTOM = resolve(__dirname, '../../../test/fixtures/onnx-shapes/custom-op.onnx');

describe('e2e: shapes known in the model view', () => {
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench();
    cpSync(CUSTOM, join(wb.workspace, 'custom-op.onnx'));
  });
  after(async () => {
    await wb?.close();
  });

  it('says for how many layers the shapes are known and which dropout layer the rank rules could not check', async () => {
    const { page } = wb;
    await quickOpen(page, 'custom-op.onnx');
    const view = await webviewFrame(page, 'h1:text("custom-op")');
    const summary = view.locator('details.model-header summary');
    assert.equal(await summary.locator('.shapes-known').innerText(), 'shapes known for 1 of 4 layers');
    const facts = (await view.locator('dl.facts').innerText()).replace(/\s+/g, ' ');
    assert.match(
      facts,
      /shapes Shapes known for 1 of 4 layers \(inputs and constants not counted\): 3 layers have no known shape\. 1 dropout layer has no known rank \(dropped\): the rules that need a tensor's rank \(conv-standard-dropout, conv-rate-too-high, spatial-dropout-rank\) could not check it\./,
    );
    // The Dropout after the unknown op has no shape in the table.
    const dropout = view.locator('tr', { has: view.locator('td', { hasText: 'Dropout' }) }).first();
    assert.match(await dropout.innerText(), /\?/);
    await screenshot(page, 'model-view-shapes-known');

    // Folded, the header keeps the count beside the model's name.
    await summary.click();
    await view.locator('details.model-header:not([open])').waitFor();
    assert.ok(await summary.locator('.shapes-known').isVisible());
    await screenshot(page, 'model-view-shapes-known-folded');
  });
});
