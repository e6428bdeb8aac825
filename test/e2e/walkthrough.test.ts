// The Get Started walkthrough as a new user follows it, in a fresh profile whose workspace has no copy
// of the sample: Help: Welcome → Get Started with Dropout Lens → each step's button in order. The sample
// opens (unsaved) with its finding; Train with Dropout asks to save it and opens its Train panel, no file
// dialog; Show MC Uncertainty opens on the same model and shows its figures. Each step is ticked only
// once its result appeared, read from the walkthrough's own checkboxes. Then the palette's commands act
// on the model of the active panel, and with nothing open on the model used last.
import * as assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { openWorkbench, problemRows, quickOpen, screenshot, showProblems, type Workbench } from './workbench';
import { runCommand, webviewFrame } from './webview';

const SAMPLE = 'keep-prob-mistake.nn.json';

/** A step of the walkthrough: its entry in the list (a button whose aria-checked is its tick). */
const stepOf = (page: Page, id: string) =>
  page.locator(`button.getting-started-step[data-step-id$="#${id}"]`);

async function ticked(page: Page, id: string): Promise<boolean> {
  const step = stepOf(page, id);
  const checked = (await step.getAttribute('aria-checked')) === 'true';
  // The checkbox icon says the same as the attribute.
  const icon = await step.locator('.codicon-getting-started-step-checked').count();
  assert.equal(icon > 0, checked, `${id}: the checkbox icon agrees with aria-checked`);
  return checked;
}

/** The walkthrough's editor tab. */
const welcomeTab = (page: Page) => page.locator('.tab', { hasText: /Welcome|Walkthrough/ }).first();

/** Brings the walkthrough's tab forward, opens step `id` and presses its button. */
async function pressStepButton(page: Page, id: string, label: string): Promise<void> {
  await welcomeTab(page).click();
  await stepOf(page, id).click();
  await page.locator('.getting-started-step.expanded .monaco-button', { hasText: label }).first().click();
}

describe('e2e: the Get Started walkthrough from a fresh profile', () => {
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench();
    // A new user's workspace has no copy of the sample.
    rmSync(join(wb.workspace, SAMPLE));
  });
  after(async () => {
    await wb?.close();
  });

  it('opens the sample, trains it and shows its MC uncertainty, ticking each step once it happened', async () => {
    const { page, workspace } = wb;
    await runCommand(page, 'Help: Welcome');
    // A fresh profile's Welcome opens VS Code's own setup walkthrough: back to the list of walkthroughs.
    const back = page.locator('.prev-button', { hasText: 'Welcome' });
    await back.waitFor();
    await back.click();
    await page
      .locator('.getting-started-category', { hasText: 'Get Started with Dropout Lens' })
      .first()
      .click();
    await stepOf(page, 'lint').waitFor();
    for (const id of ['lint', 'train', 'uncertainty'])
      assert.equal(await ticked(page, id), false, `${id} unticked`);
    // Walkthrough descriptions are not full Markdown: backticks would show as themselves.
    const descriptions = await page
      .locator('button.getting-started-step .step-description-container')
      .evaluateAll((all) => all.map((d) => d.textContent ?? ''));
    assert.equal(descriptions.length, 3);
    assert.match(
      descriptions[0]!,
      /Open an \.onnx, \.keras, \.h5, TensorFlow\.js model\.json or \.nn\.json file/,
    );
    for (const d of descriptions) assert.doesNotMatch(d, /`/, 'no literal backticks');
    await screenshot(page, 'walkthrough-0-start');

    // Step 1: the sample, unsaved, with its keep-prob finding; nothing written.
    await pressStepButton(page, 'lint', 'Open Sample Model');
    await page.locator('.tab.active', { hasText: SAMPLE }).waitFor();
    await showProblems(page);
    await problemRows(page, 'keep-prob-confusion').first().waitFor({ timeout: 30_000 });
    assert.equal(existsSync(join(workspace, SAMPLE)), false, 'nothing written yet');
    await screenshot(page, 'walkthrough-1-sample');
    await welcomeTab(page).click();
    await page.locator(`button.getting-started-step[data-step-id$="#lint"][aria-checked="true"]`).waitFor();
    assert.equal(await ticked(page, 'train'), false);

    // Step 2: asks to save the sample (no file dialog: it has its name in the workspace folder), then
    // opens its Train panel; ticked once a run finished, not when the panel opened.
    await pressStepButton(page, 'train', 'Train with Dropout');
    const ask = page.locator('.notification-toast', { hasText: `reads ${SAMPLE} from the disk` });
    await ask.waitFor();
    await page.waitForTimeout(500); // the toast slides in
    await screenshot(page, 'walkthrough-2-save-asked');
    await ask.locator('.monaco-button', { hasText: 'Save and Train with Dropout' }).click();
    const train = await webviewFrame(
      page,
      'vscode-button[data-experiment="compare"]:not([disabled])',
      60_000,
    );
    assert.equal(await page.locator('.quick-input-widget input').isVisible(), false, 'no file dialog');
    assert.ok(existsSync(join(workspace, SAMPLE)), 'saved into the workspace when asked');
    await page.locator('.tab', { hasText: `Train: ${SAMPLE}` }).waitFor();
    await welcomeTab(page).click();
    assert.equal(await ticked(page, 'train'), false, 'an open panel is no training yet');
    await page.locator('.tab', { hasText: `Train: ${SAMPLE}` }).click();
    await train.locator('#epochs input').fill('5');
    await train.locator('vscode-button[data-experiment="compare"]').click();
    await train
      .locator('#status[data-running="false"]', { hasText: /Finished/ })
      .waitFor({ timeout: 120_000 });
    await screenshot(page, 'walkthrough-2-trained');
    await welcomeTab(page).click();
    await page.locator(`button.getting-started-step[data-step-id$="#train"][aria-checked="true"]`).waitFor();
    assert.equal(await ticked(page, 'uncertainty'), false);

    // Step 3: the MC panel on the model the user trained (the last used), trained first, with results.
    await pressStepButton(page, 'uncertainty', 'Show MC Uncertainty');
    const mc: Frame = await webviewFrame(page, `#root:has(h1:has-text("${SAMPLE}")) #run`, 60_000);
    await page.locator('.tab.active', { hasText: `MC Uncertainty: ${SAMPLE}` }).waitFor();
    await welcomeTab(page).click();
    assert.equal(await ticked(page, 'uncertainty'), false, 'an open panel is no MC run yet');
    await page.locator('.tab', { hasText: `MC Uncertainty: ${SAMPLE}` }).click();
    await mc.locator('#run').click();
    await mc.locator('#status', { hasText: /Done: \d+ passes/ }).waitFor({ timeout: 120_000 });
    assert.match(await mc.locator('#ece').innerText(), /^\d/);
    await screenshot(page, 'walkthrough-3-mc');
    await welcomeTab(page).click();
    await page
      .locator(`button.getting-started-step[data-step-id$="#uncertainty"][aria-checked="true"]`)
      .waitFor();
    for (const id of ['lint', 'train', 'uncertainty'])
      assert.equal(await ticked(page, id), true, `${id} ticked`);
    await runCommand(page, 'View: Hide Panel');
    await stepOf(page, 'lint').scrollIntoViewIfNeeded();
    await screenshot(page, 'walkthrough-4-done');
  });

  it('runs palette commands on the active panel’s model, else on the model used last', async () => {
    const { page } = wb;
    await quickOpen(page, 'digits-mlp.nn.json');
    await runCommand(page, 'Dropout Lens: Train with Dropout');
    await page.locator('.tab.active', { hasText: 'Train: digits-mlp.nn.json' }).waitFor();
    // The Train panel is active (not the model's text): MC acts on its model, offered by the palette.
    await runCommand(page, 'Dropout Lens: Show MC Uncertainty');
    await webviewFrame(page, '#root:has(h1:has-text("digits-mlp.nn.json")) #run', 60_000);
    await page.locator('.tab.active', { hasText: 'MC Uncertainty: digits-mlp.nn.json' }).waitFor();
    await screenshot(page, 'walkthrough-5-mc-from-train-panel');
    // Nothing open: Show Model shows the model used last, without a file dialog.
    await runCommand(page, 'View: Close All Editor Groups');
    await page.locator('.tab').first().waitFor({ state: 'detached' });
    await runCommand(page, 'Dropout Lens: Show Model');
    await page.locator('.tab.active', { hasText: 'Model: digits-mlp.nn.json' }).waitFor();
    assert.equal(await page.locator('.quick-input-widget input').isVisible(), false, 'no file dialog');
    await webviewFrame(page, 'h1:text("digits-mlp")');
    await screenshot(page, 'walkthrough-6-last-used');
  });
});
