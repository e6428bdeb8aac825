// Drives a real VS Code workbench (code-server + headless Chromium) as a user: keyboard and mouse only.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';

const ROOT = resolve(__dirname, '../../..');
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');
/** Console errors of the open workbench's page and its webviews, latest last. */
export const PAGE_ERRORS: string[] = [];

interface Server {
  url: string;
  stop(): Promise<void>;
}

export interface Workbench {
  page: Page;
  workspace: string;
  close(): Promise<void>;
}

// The launcher is an ES module shared with the integration runner.
const importEsm = new Function('p', 'return import(p)') as (p: string) => Promise<Record<string, unknown>>;

export async function openWorkbench(settings: Record<string, unknown> = {}): Promise<Workbench> {
  const vsix = process.env.DROPOUT_LENS_VSIX;
  if (!vsix) throw new Error('DROPOUT_LENS_VSIX is not set: run the e2e tests through `npm run test:e2e`');
  const launcher = await importEsm(join(ROOT, 'test/support/code-server.mjs'));
  const startCodeServer = launcher.startCodeServer as (o: object) => Promise<Server>;
  const launchChromium = launcher.launchChromium as () => Promise<Browser>;
  const workspace = mkdtempSync(join(tmpdir(), 'dropout-lens-e2e-'));
  cpSync(join(ROOT, 'samples'), workspace, { recursive: true });
  const server = await startCodeServer({ workspace, extensions: [vsix], settings });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  // Errors from the workbench and the webviews, for the message of a test that fails.
  PAGE_ERRORS.length = 0;
  page.on('console', (m) => {
    if (m.type() === 'error') PAGE_ERRORS.push(m.text().slice(0, 300));
  });
  page.on('pageerror', (e) => PAGE_ERRORS.push(String(e).slice(0, 300)));
  await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  return {
    page,
    workspace,
    close: async () => {
      await browser.close();
      await server.stop();
      rmSync(workspace, { recursive: true, force: true });
    },
  };
}

/**
 * Opens a quick input with `key` (Control+P, F1) and returns its input box. A webview holding the
 * keyboard focus may keep the key; then the focus goes back to the workbench and the key is pressed again.
 */
export async function openQuickInput(page: Page, key: string) {
  const input = page.locator('.quick-input-widget input');
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press(key);
    const open = await input.waitFor({ timeout: 5_000 }).then(
      () => true,
      () => false,
    );
    if (open) return input;
    if (attempt === 4) throw new Error(`${key} opened no quick input`);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  }
}

/**
 * Opens a file by Quick Open. A webview that takes the focus just after the quick input opened (a
 * panel brought forward a moment before) closes it again; then it is opened once more.
 */
export async function quickOpen(page: Page, fileName: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const input = await openQuickInput(page, 'Control+P');
    const filled = await input.fill(fileName, { timeout: 5_000 }).then(
      () => true,
      (error: unknown) => {
        if (attempt === 3) throw error;
        console.log(`quick open of ${fileName}: the quick input closed before it was filled; again`);
        return false;
      },
    );
    if (filled) break;
  }
  await page.locator('.quick-input-list .monaco-list-row', { hasText: fileName }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tab', { hasText: fileName }).first().waitFor();
}

export async function showProblems(page: Page): Promise<void> {
  await page.keyboard.press('Control+Shift+M');
  await page.locator('.markers-panel').waitFor();
}

export function problemRows(page: Page, text: string) {
  return page.locator('.markers-panel .monaco-list-row', { hasText: text });
}

/** Opens a file and the Problems panel, and waits until the panel lists a problem with `text`. */
export async function openWithProblem(page: Page, fileName: string, text: string) {
  await quickOpen(page, fileName);
  await showProblems(page);
  const rows = problemRows(page, text);
  await rows.first().waitFor({ timeout: 30_000 });
  return rows;
}

/**
 * Accepts VS Code's save dialog (in the browser, a quick input holding the suggested path) once it
 * suggests a path ending in `fileName`.
 */
export async function acceptSaveDialog(page: Page, fileName: string): Promise<void> {
  await page.locator('.quick-input-widget input').waitFor();
  await page.waitForFunction(
    (name) =>
      (document.querySelector('.quick-input-widget input') as HTMLInputElement | null)?.value.endsWith(name),
    fileName,
  );
  await page.keyboard.press('Enter');
}

/**
 * Developer: Reload Window, as users reload: through the workbench's shutdown, which saves the state
 * of editors and webviews (a bare page reload may not), then waits for the Explorer to come back.
 */
export async function reloadWindow(page: Page): Promise<void> {
  const input = await openQuickInput(page, 'F1');
  await input.fill('>Developer: Reload Window');
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: 'Developer: Reload Window' })
    .first()
    .waitFor();
  const loaded = page.waitForEvent('load', { timeout: 60_000 });
  await page.keyboard.press('Enter');
  await loaded;
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
}

/** Moves the cursor with Quick Open's go-to-line mode (Ctrl+P, ":line:column"). */
export async function goTo(page: Page, line: number, column: number): Promise<void> {
  const input = await openQuickInput(page, 'Control+P');
  await input.fill(`:${line}:${column}`);
  // Enter acts only once the picker has read the text and offers the position.
  await page.locator('.quick-input-widget', { hasText: `character ${column}` }).waitFor();
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
