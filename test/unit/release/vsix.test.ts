// What the VSIX ships, as vsce itself lists it from .vscodeignore: the files the extension needs at run
// time, those other than onnxruntime-node under 8 MB compressed (issue #19's budget for a universal VSIX),
// plus onnxruntime-node for one platform in dist/node_modules, with which the platform VSIX (vsce --target)
// stays under 25 MB compressed.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { listFiles, PackageManager } from '@vscode/vsce';

const LIMIT = 8 * 1024 * 1024;
const PLATFORM_LIMIT = 25 * 1024 * 1024;
const isOnnxRuntime = (f: string) => f.startsWith('dist/node_modules/');

describe('VSIX contents', () => {
  /** Each packaged file and its deflated size (the VSIX is a zip of deflated entries). */
  let files: { f: string; packed: number }[];
  before(async function () {
    // Deflating the 45 MB library takes seconds on a busy machine.
    this.timeout(180_000);
    const listed = await listFiles({ cwd: process.cwd(), packageManager: PackageManager.None });
    files = listed.map((name) => {
      const f = name.replace(/\\/g, '/');
      return { f, packed: deflateRawSync(readFileSync(f)).length };
    });
  });
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB compressed`;

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
