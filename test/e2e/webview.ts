// Webviews are iframes inside iframes: find the frame that holds what a test is looking for.
import type { Frame, Page } from 'playwright-core';

/** The first frame in which `selector` matches, polling until `timeout` ms have passed. */
export async function webviewFrame(page: Page, selector: string, timeout = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      if (
        (await frame
          .locator(selector)
          .count()
          .catch(() => 0)) > 0
      )
        return frame;
    }
    if (Date.now() > deadline) throw new Error(`no webview shows ${selector}`);
    await page.waitForTimeout(100);
  }
}

/**
 * Runs a command from the palette (F1) by its title and returns when (Date.now()) Enter ran it. Right
 * after the workbench opens, or an editor changes, the palette can still list commands from before the
 * extension's contributions and `when` context arrived; such a palette is closed and opened again
 * rather than waited on.
 */
export async function runCommand(page: Page, title: string, timeout = 60_000): Promise<number> {
  const deadline = Date.now() + timeout;
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  for (;;) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${title}`);
    const shown = await row
      .waitFor({ timeout: 5_000 })
      .then(() => true)
      .catch(() => false);
    if (shown) break;
    if (Date.now() > deadline) throw new Error(`the command palette never offered "${title}"`);
    await page.keyboard.press('Escape');
    await page.waitForTimeout(500);
  }
  const ran = Date.now();
  await page.keyboard.press('Enter');
  return ran;
}
