// Show Model as a user meets it: the dropout column, a finding on its row, a click that selects the
// layer in the text, a TensorFlow.js sample, and how fast a 178-node graph model becomes usable.
import * as assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openWorkbench, quickOpen, screenshot, type Workbench } from './workbench';
import { runCommand, webviewFrame } from './webview';

/** Quick Open by a folder/file query; the result row and tab show only the file name. */
async function quickOpenPath(page: Workbench['page'], query: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.fill(query);
  const [folder] = query.split('/');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: folder }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tab', { hasText: 'model.json' }).first().waitFor();
}

const NSFWJS = resolve(__dirname, '../../../test/fixtures/tfjs-graph-nsfwjs-mobilenet_v2_mid');

describe('e2e: model view', () => {
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench();
    cpSync(NSFWJS, join(wb.workspace, 'nsfwjs'), { recursive: true });
  });
  after(async () => {
    await wb?.close();
  });

  it('shows the dropout column of digits-mlp and selects a layer in the text when its row is clicked', async () => {
    const { page } = wb;
    await quickOpen(page, 'digits-mlp.nn.json');
    await runCommand(page, 'Dropout Lens: Show Model');
    const view = await webviewFrame(page, 'h1:text("digits-mlp")');
    const dropout = await view.locator('td.dropout-col').allInnerTexts();
    const rates = dropout.map((t) => t.replace(/\s+/g, ' ').trim()).filter(Boolean);
    assert.deepEqual(rates, [
      'standard rate 0.5 · keep 0.5 inverted · train-only',
      'standard rate 0.3 · keep 0.7 inverted · train-only',
    ]);
    await screenshot(page, 'model-view-table');

    await view.locator('tr', { hasText: 'rate 0.3' }).click();
    // The layer `{ "type": "dropout", "rate": 0.3 }` on line 10, 34 characters, is selected in the editor;
    // the cursor sits at the selection's end.
    const status = page.locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ });
    await page
      .locator('.statusbar-item', { hasText: 'Ln 10, Col 39 (34 selected)' })
      .waitFor({ timeout: 15_000 });
    assert.match(await status.first().innerText(), /Ln 10, Col 39 \(34 selected\)/);
    await screenshot(page, 'model-view-reveal');
  });

  it('shows a finding on its row: severity icon and rule id, the message on hover and expand', async () => {
    const { page } = wb;
    await quickOpen(page, 'keep-prob-mistake.nn.json');
    await runCommand(page, 'Dropout Lens: Show Model');
    const view = await webviewFrame(page, 'h1:text("keep-prob-mistake")');
    const row = view.locator('tr', { has: view.locator('summary', { hasText: 'keep-prob-confusion' }) });
    assert.match(await row.locator('td.dropout-col').innerText(), /rate 0\.9 · keep 0\.1/);
    const summary = row.locator('summary');
    assert.equal(await summary.locator('.codicon-warning.sev-warning').count(), 1);
    assert.match((await summary.getAttribute('title')) ?? '', /Dropout rate 0\.9 drops 90% of the units/);
    await summary.click();
    assert.match(await row.locator('details .message').innerText(), /drops 90% of the units/);
    await screenshot(page, 'model-view-finding');

    await view.locator('vscode-tab-header', { hasText: 'Graph' }).click();
    await view.locator('svg.graph g.node.sev-warning').waitFor();
    assert.equal(await view.locator('svg.graph g.node.dropout').count(), 1);
    await screenshot(page, 'model-view-graph');
  });

  it('opens the TensorFlow.js sample with the inner dropout of its RNNs', async () => {
    const { page } = wb;
    await quickOpenPath(page, 'tfjs-rnn/model.json');
    await runCommand(page, 'Dropout Lens: Show Model');
    const view = await webviewFrame(page, 'h1:text("rnn")');
    const lstm = await view.locator('tr:has(td.name:text-is("lstm")) td.dropout-col').innerText();
    assert.match(lstm, /dropout: standard rate 0\.2 · keep 0\.8/);
    assert.match(lstm, /recurrent_dropout: variational rate 0\.3 · keep 0\.7/);
  });

  it('makes the 178-node nsfwjs graph model interactive quickly', async () => {
    const { page } = wb;
    await quickOpenPath(page, 'nsfwjs/model.json');
    const started = Date.now();
    await runCommand(page, 'Dropout Lens: Show Model');
    const view = await webviewFrame(page, 'table.layers tbody tr:nth-child(178)', 60_000);
    const tableMs = Date.now() - started;
    await view.locator('svg.graph g.node:nth-of-type(178)').waitFor({ state: 'attached', timeout: 60_000 });
    const graphMs = Date.now() - started;
    console.log(
      `      nsfwjs (178 nodes): table interactive after ${tableMs} ms, graph laid out after ${graphMs} ms`,
    );
    assert.equal(await view.locator('table.layers tbody tr').count(), 178);
    await view.locator('vscode-tab-header', { hasText: 'Graph' }).click();
    await view.locator('vscode-textfield[placeholder="Search nodes by name or op"]').click();
    await page.keyboard.type('softmax');
    await page.keyboard.press('Enter');
    await view.locator('g.node.selected').waitFor();
    await screenshot(page, 'model-view-nsfwjs-graph');
  });
});
