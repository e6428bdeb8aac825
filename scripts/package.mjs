// Builds the VSIX with vsce (its vscode:prepublish step makes the production bundles). Prints the
// path and size. `node scripts/package.mjs [out.vsix]`.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';

export function packageVsix(out) {
  const r = spawnSync(
    'npx',
    ['vsce', 'package', '--no-dependencies', '--no-rewrite-relative-links', '--out', out],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) {
    process.stdout.write(r.stdout ?? '');
    throw new Error(`vsce package failed (exit ${r.status})`);
  }
  // vsce's prepublish step builds production bundles; rebuild the development ones the tests use.
  const dev = spawnSync('node', ['esbuild.mjs'], { stdio: 'inherit' });
  if (dev.status !== 0) throw new Error('esbuild failed');
  const size = statSync(out).size;
  console.log(`packaged ${out} (${(size / 1024).toFixed(1)} KiB)`);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { version, name } = JSON.parse((await import('node:fs')).readFileSync('package.json', 'utf8'));
  packageVsix(resolve(process.argv[2] ?? `${name}-${version}.vsix`));
}
