// `npm run test:desktop`: the integration tests in desktop VS Code, through @vscode/test-electron.
// It downloads VS Code from Microsoft's update servers on first use, so it needs that network access;
// `npm test` runs the same tests offline in code-server instead.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runTests } from '@vscode/test-electron';

const root = resolve(import.meta.dirname, '..');
const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const workspace = mkdtempSync(join(tmpdir(), 'dropout-lens-desktop-'));
cpSync(join(root, 'samples'), workspace, { recursive: true });
try {
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'out/test/integration/index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (e) {
  console.error(`desktop integration tests failed: ${e instanceof Error ? e.message : e}`);
  process.exitCode = 1;
} finally {
  rmSync(workspace, { recursive: true, force: true });
}
