// Builds every bundle the product ships (extension, worker, CLI, webviews) into dist/, and transpiles
// sources and tests one file each into out/ for mocha. `--production` minifies and drops source maps;
// `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { chmodSync, cpSync, existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildWasm } from './scripts/build-wasm.mjs';
import { TFJS_WASM_LIBRARIES, writeNotices } from './scripts/third-party-notices.mjs';
import { copyOnnxRuntime, ONNXRUNTIME_PACKAGES } from './scripts/onnxruntime-files.mjs';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

// The WebAssembly kernels, compiled from AssemblyScript and inlined (base64) into every bundle and test:
// the SIMD build, and the relaxed SIMD build used where the runtime has it.
const kernelsWasm = await buildWasm();
const kernelsWasmRelaxed = await buildWasm({ relaxed: true });
const kernelDefines = {
  __KERNELS_WASM__: JSON.stringify(kernelsWasm),
  __KERNELS_WASM_RELAXED__: JSON.stringify(kernelsWasmRelaxed),
};

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const node = {
  bundle: true,
  metafile: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  // onnxruntime-node ships beside the bundles in dist/node_modules (scripts/onnxruntime-files.mjs).
  external: ['vscode', 'onnxruntime-node'],
  // jsonc-parser's UMD main cannot be bundled; its ESM build can.
  mainFields: ['module', 'main'],
  define: { __VERSION__: JSON.stringify(version), ...kernelDefines },
  logLevel: 'warning',
  // node_modules may be a symlink into another checkout: resolve packages where they appear, so nothing
  // outside this checkout (such as its package.json) is read.
  preserveSymlinks: true,
};

const webviewEntries = existsSync('webview')
  ? readdirSync('webview', { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join('webview', d.name, 'main.ts')))
      .map((d) => ({ in: join('webview', d.name, 'main.ts'), out: d.name }))
  : [];

/** Every .ts file below `dir`, for the one-file-each transpile of tests. */
function tsFiles(dir) {
  return (
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
      // AssemblyScript sources compile to WebAssembly (scripts/build-wasm.mjs), not to JS.
      .filter((e) => !e.parentPath.endsWith(join('kernels', 'wasm')))
      .map((e) => join(e.parentPath, e.name))
  );
}

// Activation loads dist/extension.js only; it requires dist/features.js (the rest of the extension) on
// first use, so the activation bundle must not inline it.
const featuresExternal = {
  name: 'features-external',
  setup(build) {
    build.onResolve({ filter: /^\.\/features$/ }, () => ({ path: './features.js', external: true }));
  },
};

// TensorFlow.js is a bundle of its own (dist/tfjs-runtime.js), required on the first tfjs model run: the
// worker, the CLI and the extension do not parse it at start-up.
const tfjsRuntimeExternal = {
  name: 'tfjs-runtime-external',
  setup(build) {
    build.onResolve({ filter: /^\.\/library\.js$/ }, (args) =>
      args.importer.includes(join('runtimes', 'tfjs'))
        ? { path: './tfjs-runtime.js', external: true }
        : undefined,
    );
  },
};

// The `bin` entry runs as a program (npx dropout-lens), and esbuild writes files without the execute bit.
const executable = {
  name: 'executable',
  setup(build) {
    build.onEnd((result) => {
      if (result.errors.length === 0) chmodSync(join(build.initialOptions.outdir, 'cli.js'), 0o755);
    });
  },
};

const builds = [
  {
    ...node,
    entryPoints: { extension: 'src/extension/activate.ts' },
    outdir: 'dist',
    plugins: [featuresExternal, tfjsRuntimeExternal],
  },
  {
    ...node,
    entryPoints: { features: 'src/extension/features.ts' },
    outdir: 'dist',
    plugins: [tfjsRuntimeExternal],
  },
  { ...node, entryPoints: { worker: 'src/worker/main.ts' }, outdir: 'dist', plugins: [tfjsRuntimeExternal] },
  // The second thread of two-worker training, started by the CLI and the engine worker from beside them.
  { ...node, entryPoints: { 'replica-thread': 'src/core/engine/train/replica-thread.ts' }, outdir: 'dist' },
  {
    ...node,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [executable, tfjsRuntimeExternal],
  },
  {
    ...node,
    entryPoints: { 'tfjs-runtime': 'src/core/runtimes/tfjs/library.ts' },
    outdir: 'dist',
    // library.ts looks for the .wasm files in the package only when they are not beside the bundle (tests).
    // tfjs-core requires node-fetch only to fetch a URL, which the product never asks of it (models load
    // through model-source-io.ts), so it is left out of the bundle.
    external: [
      ...node.external,
      '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm',
      'node-fetch',
    ],
  },
];
if (webviewEntries.length > 0) {
  builds.push({
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: !production,
    minify: production,
    entryPoints: webviewEntries,
    outdir: 'dist/webview',
    metafile: true,
    logLevel: 'warning',
    preserveSymlinks: true,
  });
}
if (!production) {
  builds.push({
    entryPoints: [
      ...tsFiles('src'),
      ...tsFiles('test'),
      ...tsFiles('webview'),
      ...(existsSync('bench') ? tsFiles('bench') : []),
    ],
    outdir: 'out',
    outbase: '.',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    define: kernelDefines,
    logLevel: 'warning',
  });
}

rmSync('dist', { recursive: true, force: true });
// Webviews may load only from dist/ and media/: the codicon font and uPlot's stylesheet ship beside the
// webview bundles.
for (const file of ['codicon.css', 'codicon.ttf']) {
  cpSync(join('node_modules/@vscode/codicons/dist', file), join('dist/webview', file));
}
cpSync('node_modules/uplot/dist/uPlot.min.css', 'dist/webview/uPlot.min.css');
// The tfjs WebAssembly backend reads its .wasm file from beside dist/tfjs-runtime.js (library.ts). Only the
// SIMD build ships: every Node and Electron the extension supports has WebAssembly SIMD, and Node has no
// multithread support for the backend; where SIMD were missing, the runtime falls back to tfjs's JS backend.
cpSync(
  'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm',
  'dist/tfjs-backend-wasm-simd.wasm',
);
copyOnnxRuntime();
if (!production) {
  rmSync('out', { recursive: true, force: true });
  // The out/ transpile does not bundle: JSON that sources import must sit at the same relative place.
  cpSync('media/nn.schema.json', 'out/media/nn.schema.json');
}
if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
  console.log('esbuild: watching for changes');
} else {
  const results = await Promise.all(builds.map((options) => esbuild.build(options)));
  writeNotices(
    results.flatMap((r) => (r.metafile ? [r.metafile] : [])),
    [
      { folder: 'node_modules/@vscode/codicons', what: 'dist/webview/codicon.css and codicon.ttf' },
      { folder: 'node_modules/uplot', what: 'dist/webview/uPlot.min.css' },
      {
        folder: 'node_modules/@tensorflow/tfjs-backend-wasm',
        what: 'dist/tfjs-backend-wasm-simd.wasm',
        embedded: TFJS_WASM_LIBRARIES,
      },
      ...ONNXRUNTIME_PACKAGES,
    ],
  );
}
