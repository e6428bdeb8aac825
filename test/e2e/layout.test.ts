// The three panels (model view, Train with Dropout, MC Uncertainty) at the widths VS Code gives them:
// 600 px (beside an editor) and 1,400 px, with the side bar closed and the window sized so that the
// webview's own width is the one wanted. At each width no control leaves the page, the page does not
// scroll sideways, the layer table shows its Output shape, Params and Findings columns, the graph is on the
// first screen, and the export menus open and work from the keyboard. Then the keyboard: few Tab presses
// to the first layer, resizing a column from its header, Enter on a row or a node keeping the focus, Tab
// wrapping at the end of the Train panel; and the small things: a cancelled run's time and count, the
// charts' line key, ONNX names with their leading "/", reliability counts clear of the bars.
// Screenshots: test-results/screenshots/layout-*.png.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { writeManyNodes } from './peer-models';
import { openWorkbench, quickOpen, screenshot, type Workbench } from './workbench';
import { dataPicked, runCommand, showMcOfOnnx, webviewFrame } from './webview';

interface Panel {
  name: string;
  /** The editor tab's exact label. */
  tab: string;
  /** What only this panel's page shows. */
  selector: string;
}

const MODEL_VIEW: Panel = { name: 'model-view', tab: 'moons-mc.onnx', selector: 'h1:text-is("moons-mc")' };
const TRAIN: Panel = {
  name: 'train',
  tab: 'Train: digits-mlp.nn.json',
  selector: 'header:has-text("digits-mlp") ~ #results',
};
const MC: Panel = {
  name: 'mc',
  tab: 'MC Uncertainty: moons-mc.onnx',
  selector: '#root:has(h1:has-text("moons-mc.onnx")) #reliability-chart .uplot',
};

async function show(page: Page, panel: Panel): Promise<Frame> {
  await page.locator(`.tab:has(.label-name:text-is("${panel.tab}"))`).first().click();
  return webviewFrame(page, panel.selector, 30_000);
}

/** Sizes the window until the shown webview is `width` CSS pixels wide; returns the width reached. */
async function setPanelWidth(page: Page, frame: Frame, width: number): Promise<number> {
  let measured = 0;
  for (let i = 0; i < 5; i++) {
    measured = await frame.evaluate(() => document.documentElement.clientWidth);
    if (Math.abs(measured - width) <= 2) break;
    const size = page.viewportSize() ?? { width: 1400, height: 900 };
    await page.setViewportSize({ width: size.width + width - measured, height: 900 });
    await page.waitForTimeout(400);
  }
  return measured;
}

interface Fit {
  clientWidth: number;
  scrollWidth: number;
  /** Visible controls not wholly inside the page's width. */
  clipped: string[];
}

/** Whether every visible control lies inside the page's width, and whether the page scrolls sideways. */
function measureFit(frame: Frame): Promise<Fit> {
  return frame.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const controls = document.querySelectorAll<HTMLElement>(
      'vscode-button, vscode-textfield, vscode-single-select, vscode-tab-header, button, summary, [role="menuitem"]',
    );
    const clipped = [...controls]
      .filter((c) => c.getClientRects().length > 0)
      .filter((c) => {
        const r = c.getBoundingClientRect();
        return r.left < -0.5 || r.right > width + 0.5;
      })
      .map((c) => `${c.tagName.toLowerCase()} "${(c.textContent ?? '').trim().slice(0, 30)}"`);
    return { clientWidth: width, scrollWidth: document.documentElement.scrollWidth, clipped };
  });
}

/** A data-id as a CSS attribute value (ids hold quotes and brackets). */
const CSS_ID = (id: string | undefined) => (id ?? '').replace(/["\\]/g, '\\$&');

/** The keyboard focus in a page: its element's tag, id, classes and data-* set. */
function focused(frame: Frame) {
  return frame.evaluate(() => {
    const e = document.activeElement as HTMLElement | null;
    return {
      tag: e?.tagName.toLowerCase() ?? '',
      id: e?.id ?? '',
      className: typeof e?.className === 'string' ? e.className : (e?.getAttribute('class') ?? ''),
      data: { ...(e?.dataset ?? {}) },
      label: e?.getAttribute('aria-label') ?? '',
      text: (e?.textContent ?? '').trim().slice(0, 40),
    };
  });
}

/** Opens a menu button's list from the keyboard and checks the list is on screen and holds the focus. */
async function openMenuByKeyboard(page: Page, frame: Frame, trigger: string): Promise<string[]> {
  // A panel may still redraw its results after a resize, replacing the focused button: then the key
  // reaches nothing. Focus and press again (at most three times) until the menu is there.
  for (let attempt = 1; ; attempt++) {
    await frame.locator(trigger).focus();
    await page.keyboard.press('Enter');
    const shown = await frame
      .locator('.menu[role="menu"]')
      .waitFor({ timeout: 10_000 })
      .then(() => true)
      .catch(() => false);
    if (shown) break;
    if (attempt === 3) throw new Error(`Enter on ${trigger} opened no menu in 3 tries`);
    console.log(`      Enter on ${trigger} opened no menu; focusing it again`);
  }
  const { items, inside } = await frame.evaluate(() => {
    const list = document.querySelector('.menu') as HTMLElement;
    const r = list.getBoundingClientRect();
    const w = document.documentElement.clientWidth;
    const h = document.documentElement.clientHeight;
    return {
      items: [...list.querySelectorAll('[role="menuitem"]')].map((i) => i.textContent ?? ''),
      inside: r.left >= 0 && r.right <= w && r.top >= 0 && r.bottom <= h,
    };
  });
  assert.ok(inside, `the menu of ${trigger} is on screen`);
  assert.equal((await focused(frame)).text, items[0], 'the first item has the focus');
  return items;
}

/** Waits for VS Code's save dialog to suggest a path ending in `suffix`, then cancels it. */
async function cancelSaveDialog(page: Page, suffix: string, shot?: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await page.waitForFunction(
    (suffix) =>
      (document.querySelector('.quick-input-widget input') as HTMLInputElement | null)?.value.endsWith(
        suffix,
      ),
    suffix,
    { timeout: 10_000 },
  );
  if (shot) await screenshot(page, shot);
  // The browser's save dialog can still be filling its list and show itself again after an early
  // Escape: press it until the dialog stays closed.
  const widget = page.locator('.quick-input-widget');
  for (let attempt = 1; ; attempt++) {
    await input.press('Escape');
    await widget.waitFor({ state: 'hidden' });
    await page.waitForTimeout(1000);
    if (!(await widget.isVisible())) return;
    console.log(`      (the save dialog came back after Escape ${attempt})`);
    assert.ok(attempt < 5, 'the save dialog closes');
  }
}

describe('e2e: the panels at 600 and 1,400 px, and by keyboard', () => {
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench();
    const { page, workspace } = wb;
    // A PyTorch-style ONNX graph whose node names are scope paths ("/lins.0/Gemm").
    writeManyNodes(join(workspace, 'scoped-names.onnx'), 3);
    await runCommand(page, 'View: Close Primary Side Bar');

    // Train: a long comparison cancelled in its first run, then a short one to the end.
    await quickOpen(page, 'digits-mlp.nn.json');
    await runCommand(page, 'Dropout Lens: Train with Dropout');
    const train = await webviewFrame(
      page,
      'vscode-button[data-experiment="compare"]:not([disabled])',
      60_000,
    );
    await train.locator('#epochs input').fill('400');
    await train.locator('vscode-button[data-experiment="compare"]').click();
    await train.locator('#status[data-running="true"][data-run="dropout"]').waitFor({ timeout: 60_000 });
    await train.waitForFunction(() => Number(document.getElementById('status')?.dataset.epoch) >= 5);
    await train.locator('#cancel').click();
    await train.locator('#status[data-running="false"]').waitFor({ timeout: 30_000 });
    const status = await train.locator('#status').innerText();
    const seconds = await train.locator('tr[data-run="dropout"] td[data-metric="seconds"]').innerText();
    const epochs = await train.locator('tr[data-run="dropout"] td[data-metric="epochs"]').innerText();
    console.log(`      cancelled: "${status}", dropout run ${epochs}, ${seconds}`);
    assert.match(status, /^Cancelled: 1 of 2 runs cut short, 0 finished$/);
    assert.match(epochs, /^\d+\/400 \(cancelled\)$/);
    assert.ok(Number.parseFloat(seconds) > 0, `the cancelled run's time: ${seconds}`);
    await train.locator('#epochs input').fill('5');
    await train.locator('vscode-button[data-experiment="compare"]').click();
    await train
      .locator('#status[data-running="false"]', { hasText: 'Finished: 2 of 2 runs' })
      .waitFor({ timeout: 60_000 });

    // MC on the ONNX sample, from its model view (the .onnx file's editor), on the built-in data it picks.
    await page.locator('.monaco-workbench .part.statusbar').click();
    const mc = await showMcOfOnnx(page, 'moons-mc.onnx');
    await dataPicked(mc, 'builtin:moons');
    await mc.locator('#run').click();
    await mc.locator('#status', { hasText: 'Done: 30 passes' }).waitFor({ timeout: 60_000 });

    await page.locator('.monaco-workbench .part.statusbar').click();
    await quickOpen(page, 'scoped-names.onnx');
    await webviewFrame(page, 'summary:has-text("scoped-names.onnx")', 60_000);
    // One editor group: each panel, when its tab is picked, has the whole editor area.
    await page.locator('.monaco-workbench .part.statusbar').click();
    await runCommand(page, 'View: Join All Editor Groups');
  });
  after(async () => {
    await wb?.close();
  });

  for (const width of [600, 1400]) {
    it(`lays out the model view, Train and MC panels at ${width} px`, async () => {
      const { page } = wb;
      for (const panel of [MODEL_VIEW, TRAIN, MC]) {
        let frame = await show(page, panel);
        const measured = await setPanelWidth(page, frame, width);
        assert.ok(Math.abs(measured - width) <= 4, `${panel.name} is ${measured} px wide, not ${width}`);
        if (panel === MC) frame = await show(page, panel); // the MC page redraws on resize
        const fit = await measureFit(frame);
        const what = `${panel.name} at ${width} px: ${JSON.stringify(fit)}`;
        assert.deepEqual(fit.clipped, [], what);
        assert.ok(fit.scrollWidth <= fit.clientWidth, `the page scrolls sideways: ${what}`);
        await screenshot(page, `layout-${width}-${panel.name}`);

        if (panel === MODEL_VIEW) {
          // Every column in sight, the layer names and findings whole (wrapped, not cut).
          const table = await frame.evaluate(() => {
            const right = (css: string) =>
              document.querySelector(css)?.getBoundingClientRect().right ?? Infinity;
            const cut = [...document.querySelectorAll<HTMLElement>('td.name, td.findings summary')].filter(
              (c) => c.scrollWidth > c.clientWidth + 1,
            );
            return {
              width: document.documentElement.clientWidth,
              columns: ['findings', 'outputShape', 'params'].map((k) => right(`th.col-${k}`)),
              cut: cut.map((c) => c.textContent),
              findings: document.querySelectorAll('td.findings summary').length,
            };
          });
          assert.ok(
            table.columns.every((r) => r <= table.width),
            `Findings, Output shape, Params: ${JSON.stringify(table)}`,
          );
          assert.deepEqual(table.cut, [], 'layer names and findings are not cut');
          assert.ok(table.findings > 0, 'the sample has findings on its rows');
          // The graph tab: the whole graph area on the first screen.
          await frame.locator('vscode-tab-header', { hasText: 'Graph' }).click();
          await frame.locator('svg.graph g.node').first().waitFor();
          const graph = await frame.evaluate(() => {
            const r = document.querySelector('svg.graph')!.getBoundingClientRect();
            return { top: r.top, bottom: r.bottom, height: r.height, window: window.innerHeight };
          });
          assert.ok(
            graph.top < graph.window / 2 && graph.bottom <= graph.window && graph.height >= 200,
            `the graph on the first screen: ${JSON.stringify(graph)}`,
          );
          await screenshot(page, `layout-${width}-model-view-graph`);
          await frame.locator('vscode-tab-header', { hasText: 'Layers' }).click();
          if (width === 600) {
            // The Export menu from the keyboard: Escape gives the focus back, Enter on an item exports.
            const trigger = 'vscode-button[aria-haspopup="menu"]';
            const items = await openMenuByKeyboard(page, frame, trigger);
            assert.deepEqual(items, ['Layer table as CSV', 'Layer table as Markdown', 'Graph as SVG']);
            await page.keyboard.press('ArrowDown');
            assert.equal((await focused(frame)).text, 'Layer table as Markdown');
            await page.keyboard.press('Escape');
            assert.equal(await frame.locator('.menu').count(), 0, 'Escape closes the menu');
            assert.equal((await focused(frame)).tag, 'vscode-button', 'the focus is back on the button');
            await openMenuByKeyboard(page, frame, trigger);
            await page.keyboard.press('End');
            await page.keyboard.press('Enter');
            await cancelSaveDialog(page, 'moons-mc.graph.svg', 'layout-600-model-view-export-dialog');
          }
        }
        if (panel === TRAIN) {
          assert.equal(
            (await frame.locator('#line-key').innerText()).replace(/\s+/g, ' ').trim(),
            'solid: training dashed: validation',
          );
          const items = await openMenuByKeyboard(
            page,
            frame,
            'vscode-button[aria-label="Save or export no-dropout"]',
          );
          assert.deepEqual(items, ['Save weights', 'Export ONNX', 'Export PyTorch', 'Export Keras']);
          await screenshot(page, `layout-${width}-train-menu`);
          if (width === 600) {
            // Enter on "Save weights" opens the save dialog.
            await page.keyboard.press('Enter');
            await cancelSaveDialog(page, '.weights.bin');
          } else {
            await page.keyboard.press('Escape');
            assert.equal(await frame.locator('.menu').count(), 0, 'Escape closes the menu');
          }
        }
        if (panel === MC) {
          // The bins' sample counts sit in the row above the plot, where no bar reaches.
          await frame.evaluate(() => document.getElementById('reliability-chart')?.scrollIntoView());
          const boxes = await frame.evaluate(() => {
            const over = document.querySelector('#reliability-chart .u-over')!.getBoundingClientRect();
            return {
              plotTop: over.top,
              counts: [...document.querySelectorAll('#reliability-chart .bin-counts span')].map((s) => {
                const r = s.getBoundingClientRect();
                return { text: s.textContent, top: r.top, bottom: r.bottom, left: r.left, right: r.right };
              }),
            };
          });
          assert.ok(boxes.counts.length > 0, 'the diagram shows counts');
          for (const c of boxes.counts)
            assert.ok(c.bottom <= boxes.plotTop, `count over a bar: ${JSON.stringify(c)}`);
          const sorted = [...boxes.counts].sort((a, b) => a.left - b.left);
          for (let i = 1; i < sorted.length; i++)
            assert.ok(sorted[i]!.left >= sorted[i - 1]!.right, `counts overlap: ${JSON.stringify(sorted)}`);
          await screenshot(page, `layout-${width}-mc-charts`);
        }
      }
    });
  }

  it('reaches the first layer in a few Tab presses and resizes a column from its header', async () => {
    const { page } = wb;
    const frame = await show(page, MODEL_VIEW);
    await frame.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    let presses = 0;
    const path: string[] = [];
    while (presses < 20) {
      await page.keyboard.press('Tab');
      presses++;
      const f = await focused(frame);
      path.push(`${f.tag}${f.data.key ? `[${f.data.key}]` : ''} ${f.text.slice(0, 16)}`);
      if (f.tag === 'tr' && f.data.id) break;
    }
    console.log(`      ${presses} Tab presses: ${path.join(' → ')}`);
    assert.ok(presses <= 6, `Tab presses to the first row: ${path.join(' → ')}`);
    assert.equal(
      await frame.evaluate(
        () => [...document.querySelectorAll<HTMLElement>('.resizer')].filter((r) => r.tabIndex >= 0).length,
      ),
      0,
      'the drag handles are not in the tab order',
    );
    // Ctrl+Right widens the column whose header has the focus, Ctrl+Left narrows it.
    await frame.locator('button.sort[data-key="name"]').focus();
    const nameWidth = () =>
      frame.evaluate(() => document.querySelector('th.col-name')!.getBoundingClientRect().width);
    const before = await nameWidth();
    await page.keyboard.press('Control+ArrowRight');
    const wider = await nameWidth();
    await page.keyboard.press('Control+ArrowLeft');
    await page.keyboard.press('Control+ArrowLeft');
    const narrower = await nameWidth();
    assert.ok(Math.abs(wider - before - 16) <= 1, `wider by 16: ${before} → ${wider}`);
    assert.ok(Math.abs(narrower - before + 16) <= 1, `narrower by 16: ${before} → ${wider} → ${narrower}`);
    assert.equal((await focused(frame)).data.key, 'name', 'the header keeps the focus');
  });

  it('keeps the focus on the node after Enter and shows ONNX names with their "/"', async () => {
    const { page } = wb;
    const frame = await show(page, {
      name: 'scoped-names',
      tab: 'scoped-names.onnx',
      selector: 'summary:has-text("scoped-names.onnx")',
    });
    const first = frame.locator('tr[data-id]:has(td.name:text-is("/lins.0/Gemm"))');
    await first.focus();
    const id = await first.getAttribute('data-id');
    await page.keyboard.press('Enter');
    await frame.waitForFunction(
      (id) => (document.activeElement as HTMLElement | null)?.dataset.id === id,
      id,
    );
    const node = await focused(frame);
    assert.equal(node.tag, 'g', `the node has the focus: ${JSON.stringify(node)}`);
    const label = await frame.locator(`g.node[data-id="${id}"] text.label`).textContent();
    const details = await frame.locator('.details h2').innerText();
    assert.equal(label, details, 'the graph label is the name the details show');
    assert.match(label ?? '', /^\/lins\.0\/Gemm$/);
    // Enter again, then the arrows and + go on from the node.
    await page.keyboard.press('Enter');
    assert.equal((await focused(frame)).data.id, id, 'Enter on a node keeps the focus on it');
    await page.keyboard.press('ArrowDown');
    await frame.waitForFunction((id) => {
      const e = document.activeElement as HTMLElement | null;
      return e?.tagName.toLowerCase() === 'g' && e.dataset.id !== id;
    }, id);
    const scale = async () =>
      Number(
        /scale\(([\d.]+)\)/.exec((await frame.locator('g.viewport').getAttribute('transform')) ?? '')?.[1],
      );
    const k = await scale();
    await page.keyboard.press('+');
    await page.waitForTimeout(200);
    assert.ok(Math.abs((await scale()) / k - 1.25) < 1e-6, 'the + key zooms');
    assert.equal((await focused(frame)).tag, 'g', 'the focus stays on a node after zooming');
    await screenshot(page, 'layout-scoped-names-graph');

    // The header folds to the model's name and stays folded when the view is shown again.
    const graphTop = () =>
      frame.evaluate(() => document.querySelector('svg.graph')!.getBoundingClientRect().top);
    const unfolded = await graphTop();
    await frame.locator('details.model-header > summary').click();
    await frame.locator('details.model-header:not([open])').waitFor();
    await frame.waitForFunction(
      (top) => document.querySelector('svg.graph')!.getBoundingClientRect().top < top - 20,
      unfolded,
    );
    await show(page, TRAIN);
    const shown = await show(page, {
      name: 'scoped-names',
      tab: 'scoped-names.onnx',
      selector: 'details.model-header:not([open]) summary:has-text("scoped-names.onnx")',
    });
    assert.equal(
      await shown.locator('details.model-header dl.facts').isVisible(),
      false,
      'the facts stay folded away',
    );
  });

  it('wraps Tab at the end of the Train panel to its first control', async () => {
    const { page } = wb;
    const frame = await show(page, TRAIN);
    await frame.locator('vscode-button[aria-label="Save or export no-dropout"]').focus();
    await page.keyboard.press('Tab');
    const f = await frame.evaluate(() =>
      document.getElementById('controls')?.contains(document.activeElement),
    );
    assert.ok(f, `Tab from the last control goes to the form: ${JSON.stringify(await focused(frame))}`);
  });

  it('keeps the focus on a JSON model layer after Enter shows it in the text', async () => {
    const { page } = wb;
    await page.locator('.monaco-workbench .part.statusbar').click();
    await quickOpen(page, 'digits-mlp.nn.json');
    await runCommand(page, 'Dropout Lens: Show Model');
    const frame = await webviewFrame(page, 'h1:text-is("digits-mlp")', 60_000);
    await frame.locator('button.sort').first().focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const row = await focused(frame);
    assert.equal(row.tag, 'tr');
    await page.keyboard.press('Enter');
    // The layer's text is selected in the editor opened beside the view.
    await page.locator('.monaco-editor .selected-text').first().waitFor({ timeout: 15_000 });
    // The view's frame, found again: the workbench may have laid the webview out anew beside the text.
    const view = await webviewFrame(page, `tr[data-id="${CSS_ID(row.data.id)}"]:focus`, 10_000);
    await page.keyboard.press('ArrowDown');
    const next = await focused(view);
    assert.equal(next.tag, 'tr');
    assert.notEqual(next.data.id, row.data.id, 'the arrows go on from the row');
    await screenshot(page, 'layout-json-row-enter');
  });
});
