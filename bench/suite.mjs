// Runs the peer benchmark kit's suites with the product's jobs added, so the product is measured in the
// same interleaved run as the peers (the kit's rule: compare only figures from one run). The kit's run.js
// defines the jobs, rounds and table; this script loads it from `--kit`, replaces its product jobs with
// this checkout's (bench/product.mjs; build first), runs the named suites and prints the ratios the
// engine's targets are stated in. The kit writes its tables into its own results/ folder, so point
// --kit at a working copy of it.
// Usage: node bench/suite.mjs --kit DIR [w1 w2 w3 w5 …] [--reps N] [--only REGEX] (npm run bench:suite -- …)
import { readFileSync, readdirSync } from 'node:fs';
import { Module, createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const PRODUCT = join(dirname(fileURLToPath(import.meta.url)), 'product.mjs');
const job = (id, workload, extra = {}) => ({ id, cmd: ['node', PRODUCT, workload], ...extra });
const JS = { env: { DROPOUT_LENS_KERNELS: 'js' }, reps: 3 };

/** The product's jobs per suite (the kit's field names; W3 adds the GFLOP/s of the work actually done). */
const PRODUCT_JOBS = {
  w1: [
    job('product (dropout-lens, wasm kernels)', 'w1'),
    { id: 'product 2 workers (dropout-lens, wasm kernels)', cmd: ['node', PRODUCT, 'w1', '--workers', '2'] },
    job('product (dropout-lens, js kernels)', 'w1', JS),
  ],
  w2: [
    job('product (dropout-lens, wasm kernels)', 'w2'),
    job('product (dropout-lens, js kernels)', 'w2', JS),
  ],
  w3: [
    job('product (dropout-lens, wasm kernels)', 'w3'),
    { id: 'product 2 workers (dropout-lens, wasm kernels)', cmd: ['node', PRODUCT, 'w3', '--workers', '2'] },
  ],
  w5: [
    { id: 'product 1 thread (dropout-lens, prefix once)', cmd: ['node', PRODUCT, 'w5', '--threads', '1'] },
    { id: 'product 2 threads (dropout-lens, prefix once)', cmd: ['node', PRODUCT, 'w5', '--threads', '2'] },
  ],
};
const EXTRA_METRICS = { w3: ['loop_gflop_per_s', 'batched_gflop_per_s'], w5: ['var_mean'] };

/** Target ratios: [suite, metric, product job, peer job, must]. */
const TARGETS = [
  ['w1', 'samples_per_s', 'product (dropout-lens, wasm kernels)', 'pytorch 1 thread', 1],
  ['w1', 'samples_per_s', 'product (dropout-lens, wasm kernels)', 'tfjs-wasm layers (model.fit)', 10],
  ['w1', 'samples_per_s', 'product 2 workers (dropout-lens, wasm kernels)', 'pytorch 2 threads', 1],
  ['w2', 'samples_per_s', 'product (dropout-lens, wasm kernels)', 'pytorch 1 thread', 1],
  ['w3', 'loop_passes_per_s', 'product (dropout-lens, wasm kernels)', 'onnxruntime-node 1 thread', 1],
  ['w3', 'batched_passes_per_s', 'product (dropout-lens, wasm kernels)', 'onnxruntime-node 1 thread', 1],
  ['w3', 'loop_passes_per_s', 'product (dropout-lens, wasm kernels)', 'onnxruntime-node 2 threads', null],
  ['w3', 'batched_passes_per_s', 'product (dropout-lens, wasm kernels)', 'onnxruntime-node 2 threads', null],
  [
    'w3',
    'loop_passes_per_s',
    'product 2 workers (dropout-lens, wasm kernels)',
    'onnxruntime-node 2 threads',
    null,
  ],
  [
    'w3',
    'batched_passes_per_s',
    'product 2 workers (dropout-lens, wasm kernels)',
    'onnxruntime-node 2 threads',
    null,
  ],
  [
    'w5',
    'images_per_s',
    'product 1 thread (dropout-lens, prefix once)',
    'pytorch 1 thread, backbone once (cached)',
    1,
  ],
  [
    'w5',
    'images_per_s',
    'product 2 threads (dropout-lens, prefix once)',
    'onnxruntime-node 2 threads, whole graph per pass',
    5,
  ],
];

/** Loads the kit's run.js without running it: its SUITES table and main(). */
function loadKit(dir) {
  const file = resolve(dir, 'run.js');
  const source = readFileSync(file, 'utf8');
  if (!/^main\(\);\s*$/m.test(source) || !/\bconst SUITES = \{/.test(source))
    throw new Error(`${file}: not the peer kit's run.js (no SUITES table or main() call)`);
  const kit = new Module(file);
  kit.filename = file;
  kit.paths = Module._nodeModulePaths(dirname(file));
  kit._compile(`${source.replace(/^main\(\);\s*$/m, '')}\nmodule.exports = { SUITES, main };`, file);
  return kit.exports;
}

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

/** The medians of the newest raw results of `suite` per job, for the ratio lines. */
function medians(kitDir, suite, metric) {
  const raw = join(kitDir, 'results', 'raw');
  const newest = readdirSync(raw)
    .filter((f) => f.startsWith(`${suite}-`) && f.endsWith('.jsonl'))
    .sort()
    .pop();
  const byJob = new Map();
  for (const line of readFileSync(join(raw, newest), 'utf8').trim().split('\n')) {
    const r = JSON.parse(line);
    if (typeof r[metric] === 'number') byJob.set(r.job, [...(byJob.get(r.job) ?? []), r[metric]]);
  }
  return new Map([...byJob].map(([id, v]) => [id, median(v)]));
}

const { values, positionals } = parseArgs({
  options: { kit: { type: 'string' }, reps: { type: 'string' }, only: { type: 'string' } },
  allowPositionals: true,
});
if (!values.kit) {
  console.error('usage: node bench/suite.mjs --kit DIR [w1 w2 w3 …] [--reps N] [--only REGEX]');
  process.exit(2);
}
const kitDir = resolve(values.kit);
createRequire(PRODUCT).resolve('../out/bench/w3.js'); // fails early, naming the missing build
const { SUITES, main } = loadKit(kitDir);
const suites = positionals.length > 0 ? positionals : ['w1', 'w2', 'w3'];
const pass = [
  ...(values.reps ? ['--reps', values.reps] : []),
  ...(values.only ? ['--only', values.only] : []),
];
for (const name of suites) {
  const suite = SUITES[name];
  if (!suite) throw new Error(`the kit has no suite "${name}" (${Object.keys(SUITES).join(', ')})`);
  suite.jobs = [...suite.jobs.filter((j) => !j.id.startsWith('product')), ...(PRODUCT_JOBS[name] ?? [])];
  suite.metrics = [...new Set([...suite.metrics, ...(EXTRA_METRICS[name] ?? [])])];
  process.argv = [process.argv[0], join(kitDir, 'run.js'), name, ...pass];
  main();
  const lines = [];
  for (const [suiteName, metric, product, peer, must] of TARGETS.filter((t) => t[0] === name)) {
    const m = medians(kitDir, name, metric);
    if (!m.has(product) || !m.has(peer)) continue;
    const ratio = m.get(product) / m.get(peer);
    const verdict =
      must === null ? '' : ratio >= must ? ` (must ≥ ${must}: met)` : ` (must ≥ ${must}: NOT met)`;
    lines.push(`- ${suiteName} ${metric}: ${product} / ${peer} = ${ratio.toFixed(2)}×${verdict}`);
  }
  if (lines.length > 0) console.log(`ratios of medians, ${name}:\n${lines.join('\n')}\n`);
}
