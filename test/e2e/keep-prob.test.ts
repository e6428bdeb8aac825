// The first thing a user sees: open a model with a suspicious dropout rate, read the Problems panel,
// fix the value, watch the problem go.
import * as assert from 'node:assert/strict';
import { goTo, openWithProblem, openWorkbench, problemRows, screenshot, type Workbench } from './workbench';

describe('e2e: keep-prob-confusion in the Problems panel', () => {
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench();
  });
  after(async () => {
    await wb?.close();
  });

  it('shows the warning on the rate value and clears it when the value is fixed', async () => {
    const { page } = wb;
    const row = await openWithProblem(page, 'keep-prob-mistake.nn.json', 'keep-prob-confusion');
    const text = await row.first().innerText();
    assert.match(text, /Dropout rate 0\.9 drops 90% of the units/);
    assert.match(text, /Dropout Lens/);
    assert.match(text, /\[Ln 8, Col 34\]/, `the finding sits on the rate value: ${text}`);
    const icon = row.first().locator('.codicon-warning, .codicon-warning-filled, [class*="warning"]');
    assert.ok((await icon.count()) > 0, 'shown as a warning');
    await screenshot(page, 'keep-prob-warning');

    // Select the three characters of "0.9" and type the intended rate.
    await page.locator('.monaco-editor .view-lines').first().click();
    await goTo(page, 8, 34);
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.type('0.1');
    await row.first().waitFor({ state: 'detached', timeout: 30_000 });
    assert.equal(await problemRows(page, 'keep-prob-confusion').count(), 0);
    await screenshot(page, 'keep-prob-fixed');
  });
});
