// Runs test/integration (mocha) inside a real VS Code extension host: code-server loads the extension
// in development mode and the tests through the `payload` URL parameter, exactly as @vscode/test-electron
// does on the desktop. The result comes from window.codeAutomationExit, which VS Code web calls when
// the test run ends; the tests' output arrives as browser console messages.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureChromium, ensureCodeServer, ROOT } from './vscode-install.mjs';
import { launchChromium, startCodeServer } from './code-server.mjs';

const TIMEOUT_MS = 10 * 60_000;

ensureChromium();
ensureCodeServer();

// The fault tests break the engine worker on purpose through a command this variable enables.
process.env.DROPOUT_LENS_TEST_HOOKS = '1';

/**
 * One run of the mocha suite at `tests` (compiled, under out/test/integration) in a fresh code-server on
 * a scratch copy of samples/, so nothing the tests do can change the repository. Resolves with the
 * run's exit code.
 */
async function runSuite(tests, { restricted = false } = {}) {
  const workspace = mkdtempSync(join(tmpdir(), 'dropout-lens-it-'));
  cpSync(join(ROOT, 'samples'), workspace, { recursive: true });
  const server = await startCodeServer({ workspace, restricted });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const finished = new Promise((resolve) =>
      page.exposeFunction('codeAutomationExit', (code) => resolve(code)),
    );
    page.on('console', (message) => {
      // The extension host's console arrives as "%c INFO color: #33f <text>"; show the text of the test
      // run's own output (mocha's reporter, the tests' logs), not the workbench's chatter.
      const text = message.text().replace(/^%c \w+ color: \S+ /, '');
      if (
        message.text().startsWith('%c') &&
        !/^(Resolv|Creating|Updating|\[Service Worker\]|ChatSession)|ENOTFOUND open-vsx\.org/.test(text)
      ) {
        console.log(text);
      }
    });
    const remote = (path) => `vscode-remote://127.0.0.1:${server.port}${path}`;
    const payload = [
      ['extensionDevelopmentPath', remote(ROOT)],
      ['extensionTestsPath', remote(join(ROOT, tests))],
    ];
    await page.goto(
      `${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`,
    );
    const exitCode = await Promise.race([
      finished,
      new Promise((resolve) => setTimeout(() => resolve('timeout'), TIMEOUT_MS).unref()),
    ]);
    if (exitCode !== 'timeout') return exitCode;
    console.error(`integration tests did not finish within ${TIMEOUT_MS / 1000} s`);
    return 1;
  } finally {
    await browser.close();
    await server.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
}

const trusted = await runSuite('out/test/integration/index.js');
// The same extension in Restricted Mode (an untrusted workspace): what it still does, what it refuses.
const restricted = await runSuite('out/test/integration/restricted/index.js', { restricted: true });
process.exitCode = trusted || restricted;
