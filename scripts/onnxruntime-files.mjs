// onnxruntime-node runs ONNX models for MC dropout (src/core/runtimes/onnxruntime). The bundles keep it
// external (its native library cannot be bundled): its JavaScript, onnxruntime-common's, and the native
// library of one platform are copied to dist/node_modules, where the bundles' `require` finds them.
// The target is the build machine's platform, or DROPOUT_LENS_TARGET (e.g. linux-x64, win32-x64,
// darwin-arm64: vsce's --target names), which `node scripts/package.mjs --target …` sets.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

// The npm package ships no notices for the libraries inside its native library; the release's
// ThirdPartyNotices.txt (licenses/README.md says where it comes from) is copied beside the library, as
// onnxruntime's own packages place it, and counts with the platform's share of the VSIX.
const NATIVE_NOTICES = 'ThirdPartyNotices.txt';

/** The packages copied, as THIRD-PARTY-NOTICES.md lists them. */
export const ONNXRUNTIME_PACKAGES = [
  {
    folder: 'node_modules/onnxruntime-node',
    what:
      'its JavaScript and native library in dist/node_modules/onnxruntime-node; the native library’s ' +
      'third-party notices (those of the onnxruntime 1.30.0 release) are beside it, in ' +
      `dist/node_modules/onnxruntime-node/${NATIVE_NOTICES}`,
  },
  {
    folder: 'node_modules/onnxruntime-common',
    what: 'its JavaScript in dist/node_modules/onnxruntime-common',
  },
];

/** The target the native library is copied for: DROPOUT_LENS_TARGET or this machine's. */
export function onnxruntimeTarget() {
  return process.env.DROPOUT_LENS_TARGET ?? `${process.platform}-${process.arch}`;
}

const copy = (from, to) => {
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to);
};

/** JavaScript files of `dir` and the package.json files that say their module type, recursively. */
const scripts = (dir) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && (e.name.endsWith('.js') || e.name === 'package.json'))
    .map((e) => join(e.parentPath, e.name));

export function copyOnnxRuntime(target = onnxruntimeTarget()) {
  const [platform, arch] = target.split('-');
  const out = 'dist/node_modules';
  rmSync(out, { recursive: true, force: true });
  const node = 'node_modules/onnxruntime-node';
  const common = 'node_modules/onnxruntime-common';
  for (const folder of [node, common])
    copy(join(folder, 'package.json'), join(out, folder.slice(13), 'package.json'));
  for (const file of [...scripts(join(node, 'dist')), ...scripts(join(common, 'dist/cjs'))])
    copy(file, join(out, file.slice(13)));
  const bin = join(node, 'bin/napi-v6', platform ?? '', arch ?? '');
  if (!existsSync(bin)) throw new Error(`onnxruntime-node has no native library for ${target}`);
  // The binding and the onnxruntime library; not the DirectML and shader-compiler libraries of Windows.
  for (const name of readdirSync(bin).filter((f) => /onnxruntime/.test(f)))
    copy(join(bin, name), join(out, bin.slice(13), name));
  copy('licenses/onnxruntime-ThirdPartyNotices.txt', join(out, 'onnxruntime-node', NATIVE_NOTICES));
}
