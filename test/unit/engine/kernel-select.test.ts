// Which WebAssembly build the engine picks: the relaxed SIMD one exactly where the runtime validates it,
// the SIMD one otherwise. Node 20 (V8 11.3) has relaxed SIMD only behind a flag, so both cases are run
// in child processes, with and without the flag; in a newer Node both print 'relaxed'.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { jsKernels } from '../../../src/core/engine/kernels/kernels';
import { kernelsFor, kernelsLabel, relaxedSimdAvailable } from '../../../src/core/engine/kernels/select';

const SELECT = join(__dirname, '../../../src/core/engine/kernels/select.js');

/** What a fresh Node with `flags` reports: relaxed SIMD validates, the default build, an explicit one. */
function probe(flags: string[], choice: string): { available: boolean; picked: string; chosen: string } {
  const script = `const s = require(${JSON.stringify(SELECT)});
let chosen;
try { chosen = s.kernelsLabel(s.kernelsFor(${JSON.stringify(choice)})); } catch (e) { chosen = 'error: ' + e.message; }
console.log(JSON.stringify({ available: s.relaxedSimdAvailable(), picked: s.kernelsLabel(s.kernelsFor()), chosen }));`;
  const env = { ...process.env };
  delete env.DROPOUT_LENS_KERNELS;
  return JSON.parse(execFileSync(process.execPath, [...flags, '-e', script], { env, encoding: 'utf8' }));
}

/** Node 20's V8 has relaxed SIMD behind this flag; a V8 that ships it refuses the flag as unknown. */
const RELAXED_FLAG =
  spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '-e', '']).status === 0
    ? ['--experimental-wasm-relaxed-simd']
    : [];

describe('kernel selection: relaxed SIMD where the runtime has it, SIMD otherwise', () => {
  it('with relaxed SIMD switched on, the relaxed build is detected and is the default', () => {
    const r = probe(RELAXED_FLAG, 'simd');
    assert.deepEqual(r, { available: true, picked: 'relaxed', chosen: 'simd' });
  });

  it('without it (Node 20 by default), the SIMD build runs and asking for relaxed is an error', function () {
    const r = probe([], 'relaxed');
    if (r.available) this.skip(); // A Node whose V8 ships relaxed SIMD: nothing to fall back from.
    assert.equal(r.picked, 'simd');
    assert.match(r.chosen, /^error: the WebAssembly relaxed kernels are not available/);
  });

  it('in this process, the default WebAssembly build follows the detection; js is the JS kernels', () => {
    assert.equal(kernelsLabel(kernelsFor('wasm')), relaxedSimdAvailable() ? 'relaxed' : 'simd');
    assert.equal(kernelsFor('js'), jsKernels);
    assert.equal(kernelsLabel(jsKernels), 'js');
  });
});
