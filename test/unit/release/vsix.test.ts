// What the VSIX ships, as vsce itself lists it from .vscodeignore: the files the extension needs at run
// time, those other than onnxruntime-node under 8 MB compressed (issue #19's budget for a universal VSIX),
// plus onnxruntime-node for one platform in dist/node_modules, with which the platform VSIX (vsce --target)
// stays under 25 MB compressed.
import * as assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { listFiles, PackageManager } from '@vscode/vsce';

const LIMIT = 8 * 1024 * 1024;
const PLATFORM_LIMIT = 25 * 1024 * 1024;
const isOnnxRuntime = (f: string) => f.startsWith('dist/node_modules/');

describe('VSIX contents', () => {
  /** Each packaged file and its deflated size (the VSIX is a zip of deflated entries). */
  let files: { f: string; packed: number }[];
  let names: string[];
  before(async function () {
    // Deflating the 45 MB library takes seconds on a busy machine.
    this.timeout(180_000);
    const listed = await listFiles({ cwd: process.cwd(), packageManager: PackageManager.None });
    files = listed.map((name) => {
      const f = name.replace(/\\/g, '/');
      return { f, packed: deflateRawSync(readFileSync(f)).length };
    });
    names = files.map(({ f }) => f);
  });
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB compressed`;

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
      'dist/replica-thread.js',
      'dist/cli.js',
      'dist/webview/train.js',
      'dist/webview/mc.js',
      'dist/webview/model.js',
      'dist/tfjs-runtime.js',
      'dist/tfjs-backend-wasm-simd.wasm',
      'dist/node_modules/onnxruntime-node/package.json',
      'dist/node_modules/onnxruntime-node/dist/index.js',
      'dist/node_modules/onnxruntime-node/ThirdPartyNotices.txt',
      'dist/node_modules/onnxruntime-common/dist/cjs/index.js',
      'media/nn.schema.json',
      'data/digits.csv',
      // The walkthrough's sample and media.
      'samples/keep-prob-mistake.nn.json',
      'docs/screenshots/keep-prob-warning.png',
      'docs/screenshots/train-compare.png',
      'docs/screenshots/mc-panel-charts.png',
    ]) {
      assert.ok(names.includes(required), `${required} is packaged`);
    }
  });

  it('ships no sources, tests, benchmarks, dependencies, source maps or large samples', () => {
    const shipped = names.filter(
      (f) =>
        /^(src|test|bench|node_modules|out|scripts|webview|\.vscode-test)\//.test(f) ||
        f.endsWith('.map') ||
        f.endsWith('.ts') ||
        (f.startsWith('samples/') && (statSync(f).size > 16 * 1024 || !f.endsWith('.nn.json'))),
    );
    assert.deepEqual(shipped, []);
  });

  it('ships the native onnxruntime library of this platform only', () => {
    const native = names.filter((f) => f.startsWith('dist/node_modules/onnxruntime-node/bin/'));
    assert.ok(
      native.some((f) => f.endsWith('onnxruntime_binding.node')),
      native.join(', '),
    );
    const platforms = new Set(native.map((f) => f.split('/').slice(5, 7).join('-')));
    assert.deepEqual([...platforms], [`${process.platform}-${process.arch}`]);
  });

  it('stays under 25 MB compressed with onnxruntime', () => {
    const packed = files.reduce((n, { packed }) => n + packed, 0);
    console.log(`      ${mb(packed)}`);
    assert.ok(packed < PLATFORM_LIMIT, mb(packed));
  });

  it('stays under 8 MB compressed without onnxruntime', () => {
    const rest = files.filter(({ f }) => !isOnnxRuntime(f));
    const packed = rest.reduce((n, s) => n + s.packed, 0);
    const biggest = [...rest]
      .sort((a, b) => b.packed - a.packed)
      .slice(0, 5)
      .map((s) => `${s.f} ${(s.packed / 1024).toFixed(0)} KiB`);
    console.log(`      ${rest.length} files, ${mb(packed)}; biggest: ${biggest.join(', ')}`);
    assert.ok(packed < LIMIT, mb(packed));
  });
});
