// Webviews are iframes inside iframes: find the frame that holds what a test is looking for.
import type { Frame, Page } from 'playwright-core';
import { openQuickInput, PAGE_ERRORS, quickOpen, screenshot } from './workbench';

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
    if (Date.now() > deadline) throw new Error(`no webview shows ${selector}\n${await describe(page)}`);
    await page.waitForTimeout(100);
  }
}

/** What the workbench shows, for a failure message: the tabs and each webview's first words. */
async function describe(page: Page): Promise<string> {
  const tabs = await page
    .locator('.tab')
    .evaluateAll((all) =>
      all.map((t) => `${t.textContent?.trim()}${t.classList.contains('active') ? ' (active)' : ''}`),
    )
    .catch(() => []);
  const frames: string[] = [];
  for (const frame of page.frames()) {
    if (frame === page.mainFrame()) continue;
    const text = await frame
      .evaluate(() => document.body?.innerText.replace(/\s+/g, ' ').slice(0, 120) ?? '')
      .catch(() => '(detached)');
    if (!text.startsWith('(function')) frames.push(`  frame ${frame.url().slice(-60)}: ${text}`);
  }
  await screenshot(page, 'webview-not-found');
  return [
    `tabs: ${tabs.join(' | ')}`,
    ...frames,
    'console errors (last 10):',
    ...PAGE_ERRORS.slice(-10),
  ].join('\n');
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
    const input = await openQuickInput(page, 'F1');
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

/**
 * Shows a webview's tab after a window reload and returns its frame once `selector` matches. code-server
 * serves every webview from one origin, so webviews revived at the same moment race to register their
 * service worker, and one can come up without its scripts (its resource requests reach the network:
 * ERR_NAME_NOT_RESOLVED). Desktop VS Code gives each webview its own origin. Should that happen, VS
 * Code's Developer: Reload Webviews loads the page again, with the same restored state.
 */
export async function showRevived(page: Page, tab: string, selector: string): Promise<Frame> {
  await page.locator('.tab', { hasText: tab }).first().click();
  const frame = await webviewFrame(page, selector, 20_000).catch(() => undefined);
  if (frame) return frame;
  console.log(`      (${tab}: the revived page did not load in code-server; Developer: Reload Webviews)`);
  await runCommand(page, 'Developer: Reload Webviews');
  return webviewFrame(page, selector, 60_000);
}

/** Waits until the data chooser in `frame` has `spec` picked (the extension offers the data after load). */
export async function dataPicked(frame: Frame, spec: string, timeout = 30_000): Promise<void> {
  await frame.waitForFunction(
    (want) => (document.querySelector('#data') as (Element & { value?: string }) | null)?.value === want,
    spec,
    { timeout },
  );
}

/** The text of the data chooser's picked option. */
export const optionText = (frame: Frame): Promise<string> =>
  frame.locator('#data').evaluate((e) => {
    const select = e as Element & { value?: string };
    const options = [...e.querySelectorAll('vscode-option')] as (Element & { value?: string })[];
    return options.find((o) => o.getAttribute('value') === select.value)?.textContent?.trim() ?? '';
  });

/**
 * Opens the ONNX file `file` in its model view and then its MC panel, and returns the MC panel's frame once its
 * form is there. The model view loads first: code-server serves every webview from one origin, and two
 * loading at the same moment can leave one of them without its content.
 */
export async function showMcOfOnnx(page: Page, file: string): Promise<Frame> {
  await quickOpen(page, file);
  await webviewFrame(page, `.model-header .muted:text-is("${file}")`, 60_000);
  await runCommand(page, 'Dropout Lens: Show MC Uncertainty');
  return webviewFrame(page, `#root:has(h1:has-text("${file}")) #run`, 60_000);
}
