// The data chooser as a user meets it in both panels: MC on a workspace CSV picked in the chooser (with
// its label column, a "?" in its name), remembered for the model when the panel opens again; Train on a
// model whose input width no offered data has: the chooser says so, and Browse… to a CSV anywhere makes
// it train.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { synthetic } from '../../src/core/data/synthetic';
import { openWorkbench, quickOpen, screenshot, type Workbench } from './workbench';
import { dataPicked, runCommand, showMcOfOnnx, webviewFrame } from './webview';

/** Picks the option of the select `id` whose text holds `text`, with the mouse. */
async function choose(frame: Frame, id: string, text: string): Promise<void> {
  await frame.locator(`#${id}`).click();
  await frame.locator(`#${id} [role="option"]`, { hasText: text }).first().click();
}

const selectValue = (frame: Frame, id: string) =>
  frame.locator(`#${id}`).evaluate((e) => (e as Element & { value?: string }).value ?? '');

/** Focus back in the workbench (keys typed in a webview stay there). */
const toWorkbench = (page: Page) => page.locator('.monaco-workbench .part.statusbar').click();

describe('e2e: data chooser', () => {
  let wb: Workbench;
  /** A folder outside the workspace, for Browse…. */
  let elsewhere: string;
  before(async () => {
    wb = await openWorkbench();
    elsewhere = mkdtempSync(join(tmpdir(), 'dropout-lens-data-'));
    // Moons points with the class first and named "cls": the label column has to be picked. The "?" is
    // part of the file's name (only a built-in set's spec has options after it).
    const moons = synthetic('moons', { n: 200, noise: 0.1, seed: 3 });
    const rows = Array.from(
      { length: moons.n },
      (_, i) => `${moons.y[i]},${moons.x[2 * i]},${moons.x[2 * i + 1]}`,
    );
    writeFileSync(join(wb.workspace, 'moons?points.csv'), ['cls,x,y', ...rows].join('\n') + '\n');
    // A model of 32 inputs with no training block: no built-in set has 32 features.
    writeFileSync(
      join(wb.workspace, 'wide-32.nn.json'),
      JSON.stringify({
        format: 'dropout-lens/nn',
        version: 1,
        name: 'wide-32',
        input: { shape: [32] },
        layers: [
          { type: 'dense', units: 16, activation: 'relu' },
          { type: 'dropout', rate: 0.3 },
          { type: 'dense', units: 2, activation: 'softmax' },
        ],
      }),
    );
    // …and a CSV of 32 features outside the workspace, for Browse….
    const header = [...Array.from({ length: 32 }, (_, j) => `f${j}`), 'label'].join(',');
    const wide = Array.from({ length: 120 }, (_, i) =>
      [...Array.from({ length: 32 }, (_, j) => ((i * 7 + j * 3) % 11) / 10 + (i % 2)), i % 2].join(','),
    );
    writeFileSync(join(elsewhere, 'wide-32.csv'), [header, ...wide].join('\n') + '\n');
  });
  after(async () => {
    await wb?.close();
    rmSync(elsewhere, { recursive: true, force: true });
  });

  it('runs MC on a workspace CSV picked in the chooser, and remembers it for the model', async () => {
    const { page, workspace } = wb;
    const frame = await showMcOfOnnx(page, 'moons-mc.onnx');
    const csv = join(workspace, 'moons?points.csv');
    // The workspace CSV has the model's 2 features, so it is offered first. The user looks at another
    // set, comes back to it and picks its class column.
    await dataPicked(frame, csv);
    await choose(frame, 'data', 'circles (synthetic 2-D)');
    await dataPicked(frame, 'builtin:circles');
    await choose(frame, 'data', 'moons?points.csv · 2 features');
    await dataPicked(frame, csv);
    await choose(frame, 'label-column', 'cls');
    await frame.locator('#run').click();
    await frame.locator('#status', { hasText: 'Done: 30 passes' }).waitFor({ timeout: 60_000 });
    assert.match(await frame.locator('.scores caption').innerText(), /30 passes, 200 samples/);
    const entropy = Number(await frame.locator('#mean-entropy').innerText());
    const accuracy = Number(await frame.locator('#mc-accuracy').innerText());
    assert.ok(entropy > 0 && entropy < Math.log(2), `mean entropy ${entropy}`);
    assert.ok(accuracy > 0.8, `the moons model classifies moons points: accuracy ${accuracy}`);
    await screenshot(page, 'data-mc-workspace-csv');

    // Closed and opened again: the data and its label column are those it last ran with.
    await toWorkbench(page);
    await runCommand(page, 'View: Close All Editors');
    const again = await showMcOfOnnx(page, 'moons-mc.onnx');
    await dataPicked(again, csv);
    assert.equal(await selectValue(again, 'label-column'), 'cls');
  });

  it('says when no data fits the model, and trains on a CSV found with Browse…', async () => {
    const { page } = wb;
    await toWorkbench(page);
    await runCommand(page, 'View: Close All Editors');
    await quickOpen(page, 'wide-32.nn.json');
    await runCommand(page, 'Dropout Lens: Train with Dropout');
    const frame = await webviewFrame(page, '#root:has(header:has-text("wide-32")) #data-message', 60_000);
    assert.equal(
      await frame.locator('#data-message').innerText(),
      'No data with 32 features: Browse… for a CSV file with 32 feature columns and a label column.',
    );
    // No stale status, no error, nothing to run yet.
    assert.equal((await frame.locator('#status').innerText()).trim(), '');
    assert.equal(await frame.locator('#notice').isHidden(), true);
    assert.equal(await frame.locator('vscode-button[data-experiment="as-is"][disabled]').count(), 1);
    await screenshot(page, 'data-train-nothing-fits');

    // Browse… opens VS Code's open dialog (in the browser, a quick input taking a path).
    const file = join(elsewhere, 'wide-32.csv');
    await frame.locator('#browse-data').click();
    // It opens on the workspace folder, listing its CSVs, before it takes a path.
    const rows = page.locator('.quick-input-list .monaco-list-row');
    await rows.filter({ hasText: 'moons?points.csv' }).waitFor();
    await page.locator('.quick-input-widget input').fill(file);
    await rows.filter({ hasText: 'wide-32.csv' }).waitFor();
    await page.keyboard.press('Enter');
    await dataPicked(frame, file);
    assert.equal(await frame.locator('#data-message').count(), 0);
    assert.equal(await frame.locator('#status').innerText(), 'Pick an experiment.');
    await frame.locator('#epochs input').fill('3');
    await frame.locator('vscode-button[data-experiment="as-is"]').click();
    await frame
      .locator('#status[data-running="false"]', { hasText: 'Finished: 1 of 1 runs' })
      .waitFor({ timeout: 60_000 });
    await screenshot(page, 'data-train-browsed');
  });
});
