// From the Problems panel to the model: a click on an ONNX finding selects its layer in the model view
// (graph node in view, table row marked and scrolled to), the rule link opens the rule's page rendered
// and nothing else, and Fix and Save As names each fix and opens the fixed model.
import * as assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { runCommand, webviewFrame } from './webview';
import {
  acceptSaveDialog,
  openWithProblem,
  problemRows,
  quickOpen,
  screenshot,
  openWorkbench,
  type Workbench,
} from './workbench';

/** Two Dropout nodes in a row, both left in training mode: three findings on two layers. */
const FIXTURE = resolve(__dirname, '../../../test/fixtures/onnx-torch/rules/consecutive.onnx');
const MODEL = 'consecutive.onnx';
const finding = (layer: string) => `${layer}: Dropout '${layer}' is random at inference`;

const tabTitles = (page: Page) =>
  page.locator('.tabs-container .tab').evaluateAll((tabs) => tabs.map((t) => t.textContent?.trim() ?? ''));

/**
 * Waits until a model view's graph shows `id` selected, whole inside the graph and the page's viewport, and returns
 * that view. (Its page may be new: VS Code drops a hidden view's page, and the editor it opens for the
 * finding hides the view for a moment.)
 */
async function nodeInView(page: Page, id: string): Promise<Frame> {
  const view = await webviewFrame(page, `svg.graph g.node.selected[data-id="${id}"]`);
  await view.waitForFunction(() => {
    const area = document.querySelector('svg.graph')?.getBoundingClientRect();
    const at = document.querySelector('g.node.selected')?.getBoundingClientRect();
    return (
      !!area &&
      !!at &&
      at.width > 0 &&
      at.left >= area.left &&
      at.right <= area.right &&
      at.top >= area.top &&
      at.bottom <= area.bottom &&
      at.top >= 0 &&
      at.bottom <= window.innerHeight
    );
  });
  return view;
}

describe('e2e: from the Problems panel to the model', () => {
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench();
    cpSync(FIXTURE, join(wb.workspace, MODEL));
  });
  after(async () => {
    await wb?.close();
  });

  it('a click on an ONNX finding selects its layer in the model view: its graph node and table row selected and in view', async () => {
    const { page } = wb;
    await openWithProblem(page, MODEL, finding('/drop2/Dropout'));
    await webviewFrame(page, `.model-header .muted:text-is("${MODEL}")`);
    // The Explorer colours the file and counts its findings, as it does for problems on any file.
    const file = page.locator('.explorer-folders-view .monaco-list-row', { hasText: MODEL });
    await file.locator('[class*="-itemColor-"]').first().waitFor();
    const badge = file.locator('[class*="-itemBadge-"]').first();
    assert.equal(await badge.evaluate((e) => getComputedStyle(e, '::after').content), '"3"');
    const tabs = await tabTitles(page);

    let view: Frame | undefined;
    for (const layer of ['/drop2/Dropout', '/drop1/Dropout']) {
      await problemRows(page, finding(layer)).first().click();
      view = await nodeInView(page, layer);
      assert.match(await view.locator('.details h2').innerText(), new RegExp(layer));
    }
    assert.ok(view);
    // The editor VS Code opened for the finding closed again: the view is the file's one tab.
    await page.waitForTimeout(500);
    assert.deepEqual(await tabTitles(page), tabs);
    assert.equal(await page.locator('.tab.active', { hasText: MODEL }).count(), 1);
    await screenshot(page, 'problems-finding-graph');

    await view.locator('vscode-tab-header', { hasText: 'Layers' }).click();
    const row = view.locator('table.layers tr[aria-selected="true"]');
    assert.equal(await row.count(), 1);
    assert.equal(await row.getAttribute('data-id'), '/drop1/Dropout');
    await view.waitForFunction(() => {
      const wrap = document.querySelector('.table-wrap')?.getBoundingClientRect();
      const at = document.querySelector('tr[aria-selected="true"]')?.getBoundingClientRect();
      return (
        !!wrap &&
        !!at &&
        at.height > 0 &&
        at.top >= Math.max(0, wrap.top) &&
        at.bottom <= Math.min(window.innerHeight, wrap.bottom)
      );
    });
    await screenshot(page, 'problems-finding-table');
  });

  it('a finding of a TensorFlow.js model.json selects its layer in the model view beside the text', async () => {
    const { page } = wb;
    await quickOpen(page, 'model.json');
    await runCommand(page, 'Dropout Lens: Show Model');
    await webviewFrame(page, 'h1:text("rnn")');
    for (const layer of ['gru', 'lstm']) {
      await problemRows(page, `recurrent_dropout`)
        .filter({ hasText: `on '${layer}'` })
        .first()
        .click();
      const view = await nodeInView(page, layer);
      assert.match(await view.locator('.details h2').innerText(), new RegExp(`^${layer}$`));
    }
    // The text came forward where it was; the view stays shown beside it.
    assert.equal(await page.locator('.tab.active', { hasText: 'Model: model.json' }).count(), 1);
    assert.equal(await page.locator('.tab.active', { hasText: /^model\.json/ }).count(), 1);
    await screenshot(page, 'problems-finding-tfjs');

    // The user selects another layer; the view's tab hidden and shown again keeps that one, not the finding's.
    const view = await nodeInView(page, 'lstm');
    await view.locator('svg.graph g.node[data-id="gru"]').click();
    await nodeInView(page, 'gru');
    await page.locator('.tab', { hasText: 'Model: model.json' }).click();
    await quickOpen(page, 'wine-selu.nn.json');
    await page.locator('.tab', { hasText: 'Model: model.json' }).click();
    const shown = await webviewFrame(page, 'svg.graph g.node.selected');
    await page.waitForTimeout(1000); // a stale selection would arrive with the model
    assert.deepEqual(
      await shown
        .locator('svg.graph g.node.selected')
        .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-id'))),
      ['gru'],
    );
    await screenshot(page, 'problems-finding-tfjs-shown-again');
  });

  it("a finding's rule link opens the rule's page rendered, in one new tab", async () => {
    const { page } = wb;
    const before = await tabTitles(page);
    const row = problemRows(page, finding('/drop1/Dropout')).first();
    await row.locator('a.monaco-link').click();
    const preview = page.locator('.tab', { hasText: 'Preview dropout-active-at-inference.md' });
    await preview.waitFor({ timeout: 30_000 });
    const rendered = await webviewFrame(page, 'h1:has-text("dropout-active-at-inference")');
    assert.ok((await rendered.locator('body').innerText()).length > 200, 'the page is rendered');
    await page.waitForTimeout(1000);
    const after = await tabTitles(page);
    assert.deepEqual(
      after.filter((t) => !before.includes(t)),
      ['Preview dropout-active-at-inference.md'],
      `tabs: ${after.join(' | ')}`,
    );
    await screenshot(page, 'problems-rule-link');
    await preview.locator('.codicon-close').click();
  });

  it('Fix and Save As names each fix and opens the fixed model from the message', async () => {
    const { page } = wb;
    await page.locator('.tab', { hasText: MODEL }).first().click();
    // The view's page loads again once shown and VS Code gives it the focus, which would close a palette
    // opened before: the command is run once the page is there.
    await webviewFrame(page, `.model-header .muted:text-is("${MODEL}")`);
    await runCommand(page, 'Dropout Lens: Fix and Save As…');
    await acceptSaveDialog(page, 'consecutive.fixed.onnx');
    const toast = page.locator('.notification-toast', {
      hasText: 'saved consecutive.fixed.onnx with 3 fixes',
    });
    await toast.waitFor({ timeout: 30_000 });
    const text = (await toast.innerText()).replace(/\s+/g, ' ');
    for (const fix of [
      "Dropout '/drop1/Dropout': rate → 0.51, Dropout '/drop2/Dropout' removed (consecutive-dropout)",
      "Dropout '/drop1/Dropout': training_mode → false (dropout-active-at-inference)",
      "Dropout '/drop1/Dropout' removed (inference-noop-dropout)",
    ])
      assert.ok(text.includes(fix), `${fix}\nin: ${text}`);
    await page.waitForTimeout(500); // the toast slides in
    await screenshot(page, 'fix-and-save-message');

    await toast.locator('.monaco-button', { hasText: 'Open' }).click();
    await page.locator('.tab.active', { hasText: 'consecutive.fixed.onnx' }).waitFor();
    const fixed = await webviewFrame(page, '.model-header .muted:text-is("consecutive.fixed.onnx")');
    assert.equal(await fixed.locator('table.layers tr[data-id*="Dropout"]').count(), 0, 'no Dropout left');
    await screenshot(page, 'fix-and-save-opened');
  });
});
