// End-to-end tests: the extension is packaged as a VSIX, installed into a real VS Code (code-server),
// and the tests (test/e2e, mocha in Node) drive the workbench in headless Chromium as a user would.
// `node test/support/e2e.mjs [out/test/e2e/x.test.js …]` runs the named compiled files only (after a build).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureChromium, ensureCodeServer, CACHE, ROOT } from './vscode-install.mjs';
import { packageVsix } from '../../scripts/package.mjs';

ensureChromium();
ensureCodeServer();
const vsix = packageVsix(join(CACHE, 'dropout-lens-e2e.vsix'));
const specs = process.argv.length > 2 ? process.argv.slice(2) : ['out/test/e2e/**/*.test.js'];
const r = spawnSync(
  'npx',
  [
    'mocha',
    '--no-config',
    '--enable-source-maps',
    '--timeout',
    '180000',
    ...specs.flatMap((spec) => ['--spec', spec]),
  ],
  {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, DROPOUT_LENS_VSIX: vsix },
  },
);
process.exitCode = r.status ?? 1;
