// Show Model as a user meets it: the dropout column, a finding on its row, a click that selects the
// layer in the text, a TensorFlow.js sample, and how fast big models become usable: the 178-node nsfwjs
// graph model and the peer kit's W4 models (5,001 nodes; 102 MB ResNet-50-like), generated here.
import * as assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { writeManyNodes, writeResNet50Like } from './peer-models';
import {
  acceptSaveDialog,
  openQuickInput,
  openWorkbench,
  quickOpen,
  reloadWindow,
  screenshot,
  type Workbench,
} from './workbench';
import { runCommand, showRevived, webviewFrame } from './webview';

/** Quick Open by a folder/file query; the result row and tab show only the file name. */
async function quickOpenPath(page: Workbench['page'], query: string): Promise<void> {
  const input = await openQuickInput(page, 'Control+P');
  await input.fill(query);
  const [folder] = query.split('/');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: folder }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tab', { hasText: 'model.json' }).first().waitFor();
}

const NSFWJS = resolve(__dirname, '../../../test/fixtures/tfjs-graph-nsfwjs-mobilenet_v2_mid');

interface ViewTimes {
  view: Frame;
  /** ms after the command or key press that opened the view. */
  table: number;
  graph: number;
  /**
   * When VS Code started loading the page's content, ms after the command: until then the time is the
   * workbench's (creating the webview frames; in code-server, whose webviews share one origin, also
   * swapping in the service worker registered for the new webview, about a second after the first).
   */
  page: number;
}

/**
 * Waits until the view of a model with `rows` layers has its table and its graph, and returns when each
 * became usable, in ms after `started` (the webview's User Timing marks, on the same clock).
 */
async function timeView(page: Page, rows: number, started: number, label: string): Promise<ViewTimes> {
  const view = await webviewFrame(
    page,
    `table.layers[aria-rowcount="${rows + 1}"] tbody tr[data-id]`,
    120_000,
  );
  await view.locator(`svg.graph[data-nodes="${rows}"]`).waitFor({ state: 'attached', timeout: 120_000 });
  const marks = await view.evaluate(() => {
    const at = (name: string) => {
      const mark = performance.getEntriesByName(name).at(-1);
      return mark ? performance.timeOrigin + mark.startTime : Number.NaN;
    };
    // The frame is created first and navigated once VS Code's service worker is ready; our page is
    // written into it when that navigation ends.
    const navigation = performance.getEntriesByType('navigation')[0] as
      PerformanceNavigationTiming | undefined;
    return {
      page: performance.timeOrigin + (navigation?.responseEnd ?? Number.NaN),
      model: at('dropout-lens:model'),
      table: at('dropout-lens:table'),
      graph: at('dropout-lens:graph'),
    };
  });
  const ms = (t: number) => Math.round(t - started);
  const times = { view, table: ms(marks.table), graph: ms(marks.graph), page: ms(marks.page) };
  console.log(
    `      ${label}: table interactive after ${times.table} ms, graph laid out after ${times.graph} ms ` +
      `from the command; VS Code began loading the page at ${times.page} ms, the model data was in it ` +
      `at ${ms(marks.model)} ms: the view's own part ${times.table - times.page} ms / ${times.graph - times.page} ms`,
  );
  return times;
}

/** Quick Open a file and press Enter; returns the time of the key press. */
async function openFile(page: Page, fileName: string): Promise<number> {
  const input = await openQuickInput(page, 'Control+P');
  await input.fill(fileName);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: fileName }).first().waitFor();
  const started = Date.now();
  await page.keyboard.press('Enter');
  return started;
}

/**
 * The 2 s goal holds on an idle 2-core machine; a loaded CI runner can take several times as long, so
 * the test fails only past this bound and prints the figures either way.
 */
const LIMIT_MS = 15_000;

describe('e2e: model view', () => {
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench();
    cpSync(NSFWJS, join(wb.workspace, 'nsfwjs'), { recursive: true });
    writeManyNodes(join(wb.workspace, 'w4_many_nodes.onnx'));
    writeResNet50Like(join(wb.workspace, 'w4_resnet50like.onnx'));
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

  it('opens the sample .onnx in the model view by default: header, dropout column, a finding, the node in the graph, keys, state when shown again, CSV export', async () => {
    const { page, workspace } = wb;
    await quickOpen(page, 'moons-mc.onnx');
    const view = await webviewFrame(page, 'h1:text("moons-mc")');
    const facts = (await view.locator('dl.facts').innerText()).replace(/\s+/g, ' ');
    // Dense 2→24→24→2: 72 + 600 + 50 parameters, and the input standardisation's mean and std (2 + 2)
    // the file stores beside them; the Dropout ratios are settings, not parameters.
    assert.match(facts, /format ONNX producer dropout-lens .*opset ai\.onnx 13 /);
    assert.match(facts, /inputs input \[batch, 2\] float32 /);
    assert.match(facts, /parameters 726 trainable 726 /);

    const dropout = view.locator('tr', { has: view.locator('td.dropout-col', { hasText: 'rate 0.2' }) });
    assert.equal(await dropout.count(), 2);
    const first = dropout.first();
    assert.equal(
      (await first.locator('td.dropout-col').innerText()).replace(/\s+/g, ' ').trim(),
      'standard rate 0.2 · keep 0.8 inverted · train-only',
    );
    const summary = first.locator('summary');
    assert.equal(await summary.locator('.sev-hint').count(), 1);
    assert.match(await summary.innerText(), /inference-noop-dropout/);
    assert.match((await summary.getAttribute('title')) ?? '', /does nothing in this inference graph/);

    // An ONNX file has no text to reveal: clicking the row shows its node in the graph, with details.
    await first.locator('td.name').click();
    const node = (id: string) => view.locator(`g.node.selected[data-id="${id}"]`);
    await node('layers[1] (dropout):Dropout:4').waitFor();
    // ...centred in the graph's visible area (the tab had no size yet when the row was clicked).
    await view.waitForFunction(() => {
      const area = document.querySelector('svg.graph')?.getBoundingClientRect();
      const at = document.querySelector('g.node.selected')?.getBoundingClientRect();
      if (!area || !at || area.width === 0) return false;
      const [x, y] = [at.left + at.width / 2, at.top + at.height / 2];
      return Math.abs(x - (area.left + area.width / 2)) < 2 && Math.abs(y - (area.top + area.height / 2)) < 2;
    });
    assert.equal(await view.locator('svg.graph g.node.dropout.sev-hint').count(), 2);
    assert.match(await view.locator('.details h2').innerText(), /Dropout:4/);
    await screenshot(page, 'model-view-onnx-sample');

    // Keyboard: down to the layer that reads the dropout, up twice to the ReLU before it, with the
    // focus on the node; + zooms in.
    await view.locator('svg.graph').focus();
    await page.keyboard.press('ArrowDown');
    await node('layers[2] (dense):Gemm:5').waitFor();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await node('layers[0] (dense)/relu:Relu:3').waitFor();
    await page.waitForFunction(() => true);
    assert.equal(
      await view.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.id),
      'layers[0] (dense)/relu:Relu:3',
    );
    const scale = async () =>
      Number(
        /scale\(([\d.]+)\)/.exec((await view.locator('g.viewport').getAttribute('transform')) ?? '')?.[1],
      );
    const before = await scale();
    await page.keyboard.press('+');
    await page.waitForTimeout(200);
    assert.ok(Math.abs((await scale()) / before - 1.25) < 1e-6, `zoom ${before} → ${await scale()}`);

    // Sort and selection live in webview state: hidden behind another editor, the page is dropped, and
    // shown again it is rebuilt as it was.
    await view.locator('vscode-tab-header', { hasText: 'Layers' }).click();
    await view.locator('button.sort[data-key="params"]').click();
    await view.locator('button.sort[data-key="params"]').click();
    const firstName = (frame: typeof view) => frame.locator('table.layers tbody tr[data-id] td.name').first();
    assert.equal(await firstName(view).innerText(), 'layers[2] (dense):Gemm:5');
    await view.evaluate(() => (document.body.dataset.e2eBefore = 'hidden'));
    await quickOpen(page, 'wine-selu.nn.json');
    await page.locator('.tab', { hasText: 'moons-mc.onnx' }).click();
    const shown = await webviewFrame(
      page,
      'body:not([data-e2e-before]) th.col-params[aria-sort="descending"]',
    );
    assert.equal(await firstName(shown).innerText(), 'layers[2] (dense):Gemm:5');
    assert.match(await shown.locator('.details h2').innerText(), /Relu:3/);

    // Export the table as CSV and the graph as SVG through the Export menu and the save dialog.
    const exportAs = async (label: string, file: string) => {
      await shown.locator('vscode-button', { hasText: 'Export' }).click();
      await shown.locator('.menu [role="menuitem"]', { hasText: label }).click();
      await acceptSaveDialog(page, file);
      await shown.locator('span[role="status"]', { hasText: file }).waitFor();
      return readFileSync(join(workspace, file), 'utf8');
    };
    const csv = (await exportAs('Layer table as CSV', 'moons-mc.layers.csv')).split('\r\n');
    assert.match(csv[0] ?? '', /^layer,op,output shape,params,dropout variant,rate,keep,/);
    assert.equal(csv.filter((line) => line.includes('inference-noop-dropout')).length, 2);
    // The whole graph, drawn or not, with the theme's colours written in.
    const svgText = await exportAs('Graph as SVG', 'moons-mc.graph.svg');
    assert.match(svgText, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.equal(svgText.match(/<g class="node/g)?.length, 12);
    assert.equal(svgText.match(/<g class="node dropout sev-hint"/g)?.length, 2);
    assert.match(svgText, /<style>svg \{ background: #[0-9a-f]{6}/i);
  });

  it('opens the TensorFlow.js sample with the inner dropout of its RNNs, its finding and its source', async () => {
    const { page } = wb;
    await quickOpenPath(page, 'tfjs-rnn/model.json');
    await runCommand(page, 'Dropout Lens: Show Model');
    const view = await webviewFrame(page, 'h1:text("rnn")');
    // Its size on disk: model.json (6,238 bytes) and its one weight shard (2,560 bytes).
    const facts = (await view.locator('dl.facts').innerText()).replace(/\s+/g, ' ');
    assert.match(facts, /size on disk 8\.6 KiB \(model\.json \+ 1 shard\)/);
    const row = view.locator('tr:has(td.name:text-is("lstm"))');
    const lstm = await row.locator('td.dropout-col').innerText();
    // Keras draws each of an RNN's dropout masks once per sequence and reuses it at every timestep.
    assert.match(lstm, /input dropout rate 0\.2 · keep 0\.8\s+one mask per sequence · /);
    assert.match(lstm, /recurrent dropout rate 0\.3 · keep 0\.7\s+one mask per sequence · /);
    await row.scrollIntoViewIfNeeded();
    await screenshot(page, 'model-view-rnn-dropout');
    // recurrent_dropout turns off the fused recurrent kernels: an info finding on the LSTM's row.
    const summary = row.locator('summary', { hasText: 'recurrent-dropout' });
    assert.equal(await summary.locator('.codicon-info.sev-info').count(), 1);
    assert.match(
      (await summary.getAttribute('title')) ?? '',
      /disables the fused \(cuDNN\) recurrent kernels/,
    );

    // The LSTM's layer object in model.json spans lines 36 to 82, 1,154 characters; the cursor ends
    // the selection.
    await row.locator('td.name').click();
    await page
      .locator('.statusbar-item', { hasText: 'Ln 82, Col 6 (1154 selected)' })
      .waitFor({ timeout: 15_000 });
    await screenshot(page, 'model-view-tfjs-reveal');
  });

  it('makes the 178-node nsfwjs graph model interactive quickly', async () => {
    const { page } = wb;
    await quickOpenPath(page, 'nsfwjs/model.json');
    const started = await runCommand(page, 'Dropout Lens: Show Model');
    const { view, graph } = await timeView(page, 178, started, 'nsfwjs (178 nodes)');
    assert.ok(graph < LIMIT_MS, `graph after ${graph} ms`);
    assert.equal(await view.locator('table.layers tbody tr[data-id]').count(), 178);
    await view.locator('vscode-tab-header', { hasText: 'Graph' }).click();
    await view.locator('vscode-textfield[placeholder="Search nodes by name or op"]').click();
    await page.keyboard.type('softmax');
    await page.keyboard.press('Enter');
    await view.locator('g.node.selected').waitFor();
    await screenshot(page, 'model-view-nsfwjs-graph');
  });

  it('opens the 5,001-node W4 graph: timed, rows windowed, End reaches the last layer', async () => {
    const { page } = wb;
    const started = await openFile(page, 'w4_many_nodes.onnx');
    const { view, table, graph } = await timeView(page, 5002, started, 'w4_many_nodes.onnx (5,001 nodes)');
    assert.ok(table < LIMIT_MS && graph < LIMIT_MS, `table ${table} ms, graph ${graph} ms`);
    // Only the rows near the scroll position are in the document.
    assert.ok((await view.locator('table.layers tbody tr[data-id]').count()) < 200);
    // Keys on a focused row, not a click: clicking an ONNX row shows its node in the graph tab. A click
    // on the row count gives the page keyboard focus first.
    await view.locator('span[role="status"]', { hasText: '5002 of 5002 layers' }).click();
    await view.locator('table.layers tbody tr[data-id]').first().focus();
    await page.keyboard.press('End');
    // The table scrolled to the end and drew the last row, which now holds the roving tab stop and the
    // keyboard focus (after the re-render that the scroll causes).
    await view.locator('tr[aria-rowindex="5003"][tabindex="0"]').waitFor();
    assert.equal(await view.locator('tr[aria-rowindex="5003"] td.name').innerText(), '/Add_1666');
    await page.waitForTimeout(300);
    assert.equal(await view.evaluate(() => document.activeElement?.getAttribute('aria-rowindex')), '5003');
    await screenshot(page, 'model-view-many-nodes');
  });

  it('opens the 102 MB ResNet-50-like model: timed; a conv shows its weight statistics and histogram', async () => {
    const { page } = wb;
    const started = await openFile(page, 'w4_resnet50like.onnx');
    const { view, table, graph } = await timeView(
      page,
      170,
      started,
      'w4_resnet50like.onnx (102 MB, 169 nodes)',
    );
    assert.ok(table < LIMIT_MS && graph < LIMIT_MS, `table ${table} ms, graph ${graph} ms`);
    const name = view.locator('td.name', { hasText: '/body/body.0/c2/Conv' });
    assert.equal(await name.getAttribute('title'), '/body/body.0/c2/Conv');
    await name.click();
    // 64 x 64 x 3 x 3 weights, then the 64 folded biases (all zero).
    const weights = view.locator('.details .weight-tensor');
    await weights.first().locator('svg.histogram').waitFor({ timeout: 30_000 });
    assert.match(await weights.first().locator('h4').innerText(), /\[64, 64, 3, 3\]/);
    const facts = await weights.first().locator('dd').allInnerTexts();
    assert.equal(facts[0], '36,864');
    assert.equal(await weights.first().locator('svg.histogram rect').count(), 32);
    assert.equal((await weights.nth(1).locator('dd').allInnerTexts())[5], '100%');
    await screenshot(page, 'model-view-resnet-weights');
  });

  it('comes back after a window reload: the Show Model panel and the .onnx editor, sort and selection kept', async () => {
    const { page } = wb;
    await page.locator('.tab', { hasText: 'Model: digits-mlp.nn.json' }).click();
    const panel = await webviewFrame(page, 'h1:text("digits-mlp")');
    await panel.locator('button.sort[data-key="params"]').click();
    await panel.locator('th.col-params[aria-sort="ascending"]').waitFor();
    await reloadWindow(page);
    const restored = await showRevived(
      page,
      'Model: digits-mlp.nn.json',
      'th.col-params[aria-sort="ascending"]',
    );
    assert.equal(await restored.locator('h1').innerText(), 'digits-mlp');
    const onnx = await showRevived(page, 'moons-mc.onnx', 'th.col-params[aria-sort="descending"]');
    assert.equal(await onnx.locator('h1').innerText(), 'moons-mc');
    assert.match(await onnx.locator('.details h2').innerText(), /Relu:3/);
    await screenshot(page, 'model-view-after-reload');
  });
});
