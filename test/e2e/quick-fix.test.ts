// The quick fix from the keyboard: cursor on the flagged rate, Ctrl+. opens the code actions, the fix
// rewrites the value, and the problem leaves the Problems panel.
import * as assert from 'node:assert/strict';
import { goTo, openWithProblem, openWorkbench, problemRows, screenshot, type Workbench } from './workbench';

describe('e2e: quick fix for keep-prob-confusion', () => {
  let wb: Workbench;
  before(async () => {
    wb = await openWorkbench();
  });
  after(async () => {
    await wb?.close();
  });

  it('Ctrl+. on the rate offers "Set rate to 0.1 (1 − 0.9)", and choosing it clears the problem', async () => {
    const { page } = wb;
    const row = await openWithProblem(page, 'keep-prob-mistake.nn.json', 'keep-prob-confusion');

    await page.locator('.monaco-editor .view-lines').first().click();
    await goTo(page, 8, 35);
    await page.keyboard.press('Control+.');
    const action = page.locator('.action-widget .monaco-list-row', { hasText: 'Set rate to 0.1 (1 − 0.9)' });
    await action.first().waitFor({ timeout: 15_000 });
    await screenshot(page, 'quick-fix-menu');
    // The menu's pointer block swallows clicks while it is open: choose with the keyboard, as users do.
    const focused = page.locator('.action-widget .monaco-list-row.focused');
    for (let i = 0; i < 5 && !(await focused.innerText()).includes('Set rate to 0.1'); i++) {
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');

    await row.first().waitFor({ state: 'detached', timeout: 30_000 });
    assert.equal(await problemRows(page, 'keep-prob-confusion').count(), 0);
    const line = page.locator('.monaco-editor .view-line', { hasText: '"type": "dropout"' }).first();
    assert.match(await line.innerText(), /"rate":\s0\.1\s\}/);
    await screenshot(page, 'quick-fix-applied');
  });
});
