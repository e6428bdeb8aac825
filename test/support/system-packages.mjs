// Debian packages the tests need, installed with apt-get when missing (as root; otherwise the command to
// run is printed). `node test/support/system-packages.mjs <group>` installs one group.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Each package with a file that exists once it is installed. */
export const PACKAGES = {
  // Real VS Code in a real browser: Chromium, libkrb5-dev for code-server's kerberos module, ripgrep.
  vscode: {
    chromium: '/usr/bin/chromium',
    'libkrb5-dev': '/usr/include/krb5.h',
    ripgrep: '/usr/bin/rg',
  },
  // The references of the unit tests: PyTorch runs the exported PyTorch scripts, NumPy (one of its
  // dependencies) decodes the Keras scripts' weights, torchvision and onnx export and check real
  // architectures (a resnet18 trained-mode export fixed by Fix and Save As); Pillow writes the images
  // the image-folder tests decode and preprocesses them as torchvision does; h5py reads the Keras test
  // files' weights, the reference for the Keras readers.
  python: {
    // Without its recommends (libtorch-dev, build-essential): the tests only import torch.
    'python3-torch': '/usr/lib/python3/dist-packages/torch/__init__.py',
    'python3-numpy': '/usr/lib/python3/dist-packages/numpy/__init__.py',
    'python3-torchvision': '/usr/lib/python3/dist-packages/torchvision/__init__.py',
    'python3-onnx': '/usr/lib/python3/dist-packages/onnx/__init__.py',
    'python3-pil': '/usr/lib/python3/dist-packages/PIL/__init__.py',
    'python3-h5py': '/usr/lib/python3/dist-packages/h5py/__init__.py',
    // Debian's torch on the reference BLAS does 4 GFLOP/s of sgemm instead of ~100: the MC reference
    // (test/fixtures/mc-reference) would take minutes.
    'libopenblas0-pthread': '/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0',
  },
};

export function fail(message) {
  console.error(`\nDropout Lens test setup: ${message}\n`);
  process.exit(1);
}

export function ensureSystemPackages(group) {
  const missing = Object.entries(PACKAGES[group])
    .filter(([, file]) => !existsSync(file))
    .map(([name]) => name);
  if (missing.length === 0) return;
  const recommends = group === 'python' ? ' --no-install-recommends' : '';
  const command = `apt-get update && apt-get install -y${recommends} ${missing.join(' ')}`;
  if (process.getuid?.() !== 0)
    fail(`missing system packages: ${missing.join(', ')}. Install them with:\n  sudo ${command}`);
  console.log(`installing system packages: ${missing.join(', ')}`);
  const r = spawnSync('sh', ['-c', command], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (r.status !== 0) fail(`"${command}" failed (exit ${r.status})`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const group = process.argv[2];
  if (!(group in PACKAGES))
    fail(`unknown package group "${group}"; groups: ${Object.keys(PACKAGES).join(', ')}`);
  ensureSystemPackages(group);
  console.log(`system packages (${group}) are installed`);
}
