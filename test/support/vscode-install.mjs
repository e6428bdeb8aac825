// Installs what the real-VS-Code tests need, offline except for the npm registry and Debian's packages:
// system packages (system-packages.mjs: Chromium, libkrb5-dev, ripgrep), a pre-seeded
// ripgrep download cache (code-server's @vscode/ripgrep postinstall would fetch from GitHub), and
// code-server itself in .vscode-test/ (outside the shipped extension). Idempotent; fast when done.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, copyFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureSystemPackages, fail } from './system-packages.mjs';

export const CODE_SERVER_VERSION = '4.100.3';
export const ROOT = resolve(import.meta.dirname, '../..');
export const CACHE = join(ROOT, '.vscode-test');
export const CODE_SERVER_DIR = join(CACHE, `code-server-${CODE_SERVER_VERSION}`);
export const CODE_SERVER_ENTRY = join(CODE_SERVER_DIR, 'node_modules/code-server/out/node/entry.js');
const PTY = join(
  CODE_SERVER_DIR,
  'node_modules/code-server/lib/vscode/node_modules/node-pty/build/Release/pty.node',
);
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** code-server's ripgrep postinstall looks for this archive before it tries to download one. */
function seedRipgrepCache() {
  const dir = join(process.env.TMPDIR ?? tmpdir(), 'vscode-ripgrep-cache-1.15.11');
  const archive = join(dir, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz');
  if (existsSync(archive)) return;
  mkdirSync(dir, { recursive: true });
  const staging = mkdtempSync(join(tmpdir(), 'rg-'));
  copyFileSync('/usr/bin/rg', join(staging, 'rg'));
  execFileSync('tar', ['-czf', archive, '-C', staging, 'rg']);
  rmSync(staging, { recursive: true, force: true });
}

export function ensureCodeServer() {
  if (existsSync(CODE_SERVER_ENTRY) && existsSync(PTY)) return;
  ensureSystemPackages('vscode');
  seedRipgrepCache();
  console.log(`installing code-server ${CODE_SERVER_VERSION} into ${CODE_SERVER_DIR} (about a minute, once)`);
  rmSync(CODE_SERVER_DIR, { recursive: true, force: true });
  mkdirSync(CODE_SERVER_DIR, { recursive: true });
  writeFileSync(
    join(CODE_SERVER_DIR, 'package.json'),
    JSON.stringify({ name: 'vscode-test-code-server', private: true }),
  );
  // npm >= 11.19 skips dependencies' install scripts unless allowed, and code-server needs its
  // postinstall (it installs VS Code's own node_modules); the setting must reach nested npm runs.
  const env = {
    ...process.env,
    npm_config_dangerously_allow_all_scripts: 'true',
    npm_config_yes: 'true',
    npm_config_unsafe_perm: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
  const r = spawnSync(
    'npm',
    ['install', '--no-save', '--prefix', CODE_SERVER_DIR, `code-server@${CODE_SERVER_VERSION}`],
    {
      stdio: 'inherit',
      env,
    },
  );
  if (r.status !== 0 || !existsSync(PTY)) {
    fail(
      `installing code-server failed (exit ${r.status}; ${existsSync(PTY) ? '' : 'node-pty was not built: its install script did not run'})`,
    );
  }
}

export function ensureChromium() {
  ensureSystemPackages('vscode');
  if (!existsSync(CHROMIUM)) fail(`no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureChromium();
  ensureCodeServer();
  console.log('code-server and Chromium are ready');
}
