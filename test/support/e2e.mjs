// End-to-end tests: the extension is packaged as a VSIX, installed into a real VS Code (code-server),
// and the tests (test/e2e, mocha in Node) drive the workbench in headless Chromium as a user would.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureChromium, ensureCodeServer, CACHE, ROOT } from './vscode-install.mjs';
import { packageVsix } from '../../scripts/package.mjs';

ensureChromium();
ensureCodeServer();
const vsix = packageVsix(join(CACHE, 'dropout-lens-e2e.vsix'));
const r = spawnSync(
  'npx',
  [
    'mocha',
    '--no-config',
    '--enable-source-maps',
    '--timeout',
    '180000',
    '--spec',
    'out/test/e2e/**/*.test.js',
  ],
  {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, DROPOUT_LENS_VSIX: vsix },
  },
);
process.exitCode = r.status ?? 1;
