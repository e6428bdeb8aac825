// Builds the VSIX with vsce (its vscode:prepublish step makes the production bundles). Prints the
// path and size, and the biggest files it packs. `node scripts/package.mjs [--target linux-x64] [out.vsix]`:
// the VSIX is platform-specific (vsce --target), since it ships onnxruntime-node's native library for
// one platform (scripts/onnxruntime-files.mjs); the target defaults to this machine's.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { onnxruntimeTarget } from './onnxruntime-files.mjs';

export function packageVsix(out, target = onnxruntimeTarget()) {
  const r = spawnSync(
    'npx',
    ['vsce', 'package', '--no-dependencies', '--no-rewrite-relative-links', '--target', target, '--out', out],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
      env: { ...process.env, DROPOUT_LENS_TARGET: target },
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

/** The entries of a VSIX (a zip), from its central directory: name, packed and unpacked size. */
export function vsixEntries(path) {
  const zip = readFileSync(path);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error(`${path} is not a zip file`);
  const entries = [];
  let at = zip.readUInt32LE(end + 16);
  for (let n = zip.readUInt16LE(end + 10); n > 0; n--) {
    const nameLength = zip.readUInt16LE(at + 28);
    entries.push({
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
      packed: zip.readUInt32LE(at + 20),
      size: zip.readUInt32LE(at + 24),
    });
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return entries.sort((a, b) => b.packed - a.packed);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { version, name } = JSON.parse(readFileSync('package.json', 'utf8'));
  const args = process.argv.slice(2);
  const at = args.indexOf('--target');
  const target = at >= 0 ? args.splice(at, 2)[1] : onnxruntimeTarget();
  const out = packageVsix(resolve(args[0] ?? `${name}-${target}-${version}.vsix`), target);
  const entries = vsixEntries(out);
  console.log(`${entries.length} files; the biggest (packed / unpacked):`);
  for (const e of entries.slice(0, 10)) {
    console.log(
      `  ${(e.packed / 1024).toFixed(1).padStart(7)} / ${(e.size / 1024).toFixed(1).padStart(7)} KiB  ${e.name}`,
    );
  }
}
