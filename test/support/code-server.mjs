// Starts a real VS Code (code-server: VS Code's server + web workbench) on 127.0.0.1 and a headless
// Chromium to drive it. Everything lives in a temp folder; stop() ends both processes it started.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CODE_SERVER_ENTRY } from './vscode-install.mjs';

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer at ${url} within ${timeoutMs} ms`);
}

/**
 * Starts code-server. `extensions` are VSIX paths to install first; `settings` go into the user's
 * settings.json. With `restricted`, workspace trust is on and the workspace is not trusted (Restricted
 * Mode); otherwise trust is off and every folder is trusted. Returns { url, port, dataDir, stop }.
 */
export async function startCodeServer({
  workspace,
  extensions = [],
  settings = {},
  quiet = true,
  port,
  home,
  restricted = false,
} = {}) {
  // A given home keeps the profile between runs (npm start); tests get a fresh one, removed on stop.
  const keep = home !== undefined;
  home ??= mkdtempSync(join(tmpdir(), 'dropout-lens-vscode-'));
  const dataDir = join(home, 'data');
  const extDir = join(home, 'ext');
  mkdirSync(join(dataDir, 'User'), { recursive: true });
  const settingsFile = join(dataDir, 'User', 'settings.json');
  if (!keep || !existsSync(settingsFile))
    writeFileSync(
      settingsFile,
      JSON.stringify(
        {
          'workbench.startupEditor': 'none',
          'security.workspace.trust.enabled': restricted,
          // Restricted Mode without the modal that asks whether to trust the folder.
          ...(restricted ? { 'security.workspace.trust.startupPrompt': 'never' } : {}),
          ...settings,
        },
        null,
        2,
      ),
    );
  // Keep code-server's config and logs out of the user's home folder.
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_DATA_HOME: join(home, 'xdg-data'),
  };
  const common = ['--user-data-dir', dataDir, '--extensions-dir', extDir];
  for (const vsix of extensions) {
    await new Promise((resolve, reject) => {
      const p = spawn(process.execPath, [CODE_SERVER_ENTRY, ...common, '--install-extension', vsix], {
        env,
        stdio: 'pipe',
      });
      let out = '';
      p.stdout.on('data', (d) => (out += d));
      p.stderr.on('data', (d) => (out += d));
      p.on('close', (code) =>
        code === 0 ? resolve() : reject(new Error(`installing ${vsix} failed:\n${out}`)),
      );
    });
  }
  port ??= await freePort();
  const child = spawn(
    process.execPath,
    [
      CODE_SERVER_ENTRY,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      ...(restricted ? [] : ['--disable-workspace-trust']),
      ...common,
      workspace,
    ],
    { env, stdio: quiet ? 'ignore' : 'inherit' },
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    // code-server's own children (extension host, file watcher) can still be writing workspace storage
    // for a moment after it exits: rmSync retries on ENOTEMPTY/EBUSY.
    if (!keep) rmSync(home, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  };
  try {
    await waitForHealth(url, child, 30_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, port, dataDir, stop };
}

export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
