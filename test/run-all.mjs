// The whole test suite, stage by stage: static checks, unit tests (with coverage), load tests (heap
// growth), integration tests in a real VS Code extension host, end-to-end tests in a real browser
// driving a real VS Code.
// `node test/run-all.mjs [stage…]` runs the named stages only. The last line is "N passed, N failed".
import { spawn, spawnSync } from 'node:child_process';

/** Node 20's V8 has relaxed SIMD behind a flag; a V8 that ships it refuses the flag as unknown. */
const RELAXED_FLAG =
  spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '-e', '']).status === 0
    ? ['--v8-experimental-wasm-relaxed-simd']
    : [];

const STAGES = {
  build: [['node', ['esbuild.mjs']]],
  static: [
    ['npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']],
    ['npx', ['eslint', '--max-warnings', '0', '.']],
    ['npx', ['prettier', '--check', '.']],
    // The layering of DESIGN.md: forbidden imports and cycles (.dependency-cruiser.cjs).
    ['npm', ['run', '--silent', 'deps']],
  ],
  unit: [
    // PyTorch and NumPy, the references the export tests compare with.
    ['node', ['test/support/system-packages.mjs', 'python']],
    ['npx', ['c8', 'mocha']],
    // The engine tests again on the plain JS kernels (the run above uses the WebAssembly SIMD ones), and
    // on the relaxed SIMD build (switched on by its V8 flag where this Node needs one).
    [
      'npx',
      ['mocha', '--no-config', '--timeout', '20000', 'out/test/unit/engine/**/*.test.js'],
      { DROPOUT_LENS_KERNELS: 'js' },
    ],
    [
      'npx',
      ['mocha', '--no-config', '--timeout', '20000', ...RELAXED_FLAG, 'out/test/unit/engine/**/*.test.js'],
      { DROPOUT_LENS_KERNELS: 'relaxed' },
    ],
  ],
  // Lint Workspace on 200 files and 20 training runs in the real worker; prints the heap figures.
  load: [
    [
      'npx',
      ['mocha', '--no-config', '--enable-source-maps', '--timeout', '60000', 'out/test/load/**/*.test.js'],
    ],
  ],
  integration: [['node', ['test/support/integration.mjs']]],
  e2e: [['node', ['test/support/e2e.mjs']]],
};

const requested = process.argv.slice(2);
for (const name of requested) {
  if (!(name in STAGES)) {
    console.error(`unknown stage "${name}"; stages: ${Object.keys(STAGES).join(', ')}`);
    process.exit(2);
  }
}
// Every stage needs fresh bundles, so a partial run builds first.
const stages = requested.length > 0 ? ['build', ...requested] : Object.keys(STAGES);

let passed = 0;
let failed = 0;

function run(cmd, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0', ...env },
    });
    let output = '';
    const forward = (stream) => (chunk) => {
      output += chunk;
      stream.write(chunk);
    };
    child.stdout.on('data', forward(process.stdout));
    child.stderr.on('data', forward(process.stderr));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

for (const stage of stages) {
  for (const [cmd, args, env] of STAGES[stage]) {
    console.log(`\n=== ${stage}: ${cmd} ${args.join(' ')}`);
    const { code, output } = await run(cmd, args, env);
    // Mocha's summary lines; every stage that runs mocha (also inside VS Code) prints them.
    const p = [...output.matchAll(/^\s*(\d+) passing/gm)].reduce((n, m) => n + Number(m[1]), 0);
    const f = [...output.matchAll(/^\s*(\d+) failing/gm)].reduce((n, m) => n + Number(m[1]), 0);
    if (p + f > 0) {
      passed += p;
      failed += f;
      if (code !== 0 && f === 0) failed++;
    } else if (code === 0) {
      passed++;
    } else {
      failed++;
    }
    if (code !== 0) console.log(`=== ${stage}: ${cmd} ${args.join(' ')} failed with exit code ${code}`);
  }
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
