// What the VSIX ships, as vsce itself lists it from .vscodeignore: the files the extension needs at run
// time, and together under 8 MB, issue #19's budget for a universal VSIX (the sum of the files bounds the
// compressed package from above).
import * as assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { listFiles, PackageManager } from '@vscode/vsce';

const LIMIT = 8 * 1024 * 1024;

describe('VSIX contents', () => {
  let files: string[];
  before(async () => {
    files = (await listFiles({ cwd: process.cwd(), packageManager: PackageManager.None })).map((f) =>
      f.replace(/\\/g, '/'),
    );
  });

  it('ships the bundles, the manifest, the docs, the notices and the walkthrough’s files', () => {
    for (const required of [
      'package.json',
      'README.md',
      'CHANGELOG.md',
      'LICENSE',
      'THIRD-PARTY-NOTICES.md',
      'dist/extension.js',
      'dist/features.js',
      'dist/worker.js',
      'dist/cli.js',
      'dist/webview/train.js',
      'dist/webview/mc.js',
      'dist/webview/model.js',
      'media/nn.schema.json',
      'data/digits.csv',
      // The walkthrough's sample and media.
      'samples/keep-prob-mistake.nn.json',
      'docs/screenshots/keep-prob-warning.png',
      'docs/screenshots/train-compare.png',
      'docs/screenshots/mc-panel-charts.png',
    ]) {
      assert.ok(files.includes(required), `${required} is packaged`);
    }
  });

  it('ships no sources, tests, benchmarks, dependencies, source maps or large samples', () => {
    const shipped = files.filter(
      (f) =>
        /^(src|test|bench|node_modules|out|scripts|webview|\.vscode-test)\//.test(f) ||
        f.endsWith('.map') ||
        f.endsWith('.ts') ||
        (f.startsWith('samples/') && (statSync(f).size > 16 * 1024 || !f.endsWith('.nn.json'))),
    );
    assert.deepEqual(shipped, []);
  });

  it('stays under 8 MB', () => {
    const sizes = files.map((f) => ({ f, size: statSync(f).size }));
    const total = sizes.reduce((n, s) => n + s.size, 0);
    const biggest = sizes
      .sort((a, b) => b.size - a.size)
      .slice(0, 5)
      .map((s) => `${s.f} ${(s.size / 1024).toFixed(0)} KiB`);
    console.log(
      `      ${files.length} files, ${(total / 1024).toFixed(0)} KiB; biggest: ${biggest.join(', ')}`,
    );
    assert.ok(total < LIMIT, `the packaged files add up to ${(total / 1024 / 1024).toFixed(2)} MB`);
  });
});
