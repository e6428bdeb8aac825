// The WebAssembly kernels against the plain JS ones (the design's contract: identical within 1e-5), on
// odd and even sizes that hit every register-tile edge, with operands in WebAssembly memory (the
// network's case) and in plain arrays (staged through scratch): the SIMD build, and the relaxed SIMD
// build where this runtime has it (run-all.mjs runs the engine tests once more with it switched on).
import * as assert from 'node:assert/strict';
import { jsKernels, type Kernels } from '../../../src/core/engine/kernels/kernels';
import { kernelsFor, relaxedSimdAvailable } from '../../../src/core/engine/kernels/select';
import { createWasmKernels } from '../../../src/core/engine/kernels/wasm-kernels';
import { Network } from '../../../src/core/engine/network';
import type { LayerSpec } from '../../../src/core/model/network-spec';
import { Rng } from '../../../src/core/random/rng';
import { Trainer } from '../../../src/core/engine/train/train';
import { assertClose } from './helpers';

const SIZES = [1, 3, 17, 64, 65, 257];
const MATMULS = ['matmulNT', 'matmulNN', 'matmulTN'] as const;

/** Uniform in [−scale, scale). */
function uniform(k: Pick<Kernels, 'alloc'>, length: number, rng: Rng, scale = 1): Float32Array {
  const v = k.alloc('float32', length) as Float32Array;
  for (let i = 0; i < length; i++) v[i] = scale * (2 * rng.next() - 1);
  return v;
}

const BUILDS = relaxedSimdAvailable() ? (['simd', 'relaxed'] as const) : (['simd'] as const);

for (const build of BUILDS)
  describe(`WebAssembly ${build} kernels match the JS kernels (1e-5)`, () => {
    const wasm = kernelsFor(build);
    const rng = new Rng(7);

    for (const name of MATMULS) {
      it(`${name} on every m, n, k in {${SIZES}} (up to 2M multiply-adds)`, () => {
        let shapes = 0;
        for (const m of SIZES)
          for (const n of SIZES)
            for (const k of SIZES) {
              if (m * n * k > 2e6) continue;
              const a = uniform(wasm, m * k, rng);
              const b = uniform(wasm, n * k, rng);
              const expected = new Float32Array(m * n);
              jsKernels[name](expected, a, b, m, n, k);
              const inWasm = wasm.alloc('float32', m * n);
              wasm[name](inWasm, a, b, m, n, k);
              assertClose(inWasm, expected, 1e-5, `${name} ${m}×${n}×${k}`);
              // Plain arrays in, plain array out; the output's other elements stay untouched.
              const out = new Float32Array(m * n + 1).fill(42);
              wasm[name](out, Float32Array.from(a), Float32Array.from(b), m, n, k);
              assertClose(out.subarray(0, m * n), expected, 1e-5, `${name} ${m}×${n}×${k} (plain arrays)`);
              assert.equal(out[m * n], 42);
              shapes++;
            }
        assert.ok(shapes > 150);
      });
    }

    // Gradients behind ReLU and dropout are mostly zeros: NN and TN add only the nonzero entries' rows
    // where a group of four rows of a is at most half full, and run the dense tile otherwise.
    for (const name of ['matmulNN', 'matmulTN'] as const) {
      it(`${name} with a three quarters, two fifths and entirely zero, on every m, n, k in {${SIZES}}`, () => {
        for (const nonzero of [0.25, 0.6, 0])
          for (const m of SIZES)
            for (const n of SIZES)
              for (const k of SIZES) {
                if (m * n * k > 2e6) continue;
                const a = uniform(wasm, m * k, rng).map((v) => (rng.next() < nonzero ? v : 0));
                const b = uniform(wasm, n * k, rng);
                const expected = new Float32Array(m * n);
                jsKernels[name](expected, a, b, m, n, k);
                const out = wasm.alloc('float32', m * n).fill(7);
                wasm[name](out, a, b, m, n, k);
                assertClose(out, expected, 1e-5, `${name} ${m}×${n}×${k}, ${nonzero} nonzero`);
              }
      });
    }

    it('the sparse and the dense path give the same rows, bit for bit', () => {
      // Rows 0–3 of a are a quarter full (the sparse path), rows 4–7 the same values plus dense filler
      // multiplied by zero rows of b: the dense tile adds exactly 0 for them.
      const [k, n] = [64, 40];
      const sparse = uniform(wasm, 4 * k, rng).map((v) => (rng.next() < 0.25 ? v : 0));
      const a = wasm.alloc('float32', 8 * (2 * k)) as Float32Array;
      const b = uniform(wasm, 2 * k * n, rng);
      b.fill(0, k * n); // b's rows k..2k − 1 are zero
      for (let r = 0; r < 8; r++)
        for (let p = 0; p < 2 * k; p++)
          a[r * 2 * k + p] = p < k ? (sparse[(r % 4) * k + p] as number) : r < 4 ? 0 : 1;
      const out = wasm.alloc('float32', 8 * n);
      wasm.matmulNN(out, a, b, 8, n, 2 * k);
      assert.deepEqual(out.subarray(4 * n), out.subarray(0, 4 * n));
    });

    // At k = 784 two float32 summation orders of unit-scale terms differ by ~1e-5 (either is as exact as
    // float32 allows); a network's weights are scaled by 1/√fan-in (He / Glorot), which keeps them apart
    // by ~1e-6.
    it('the W1 shapes (k = 784, 256) at initialised-weight scales', () => {
      for (const [name, m, n, k] of [
        ['matmulNT', 64, 256, 784],
        ['matmulTN', 256, 784, 64],
        ['matmulNN', 64, 256, 256],
      ] as const) {
        const a = uniform(wasm, m * k, rng);
        const b = uniform(wasm, n * k, rng, Math.sqrt(6 / k));
        const expected = new Float32Array(m * n);
        jsKernels[name](expected, a, b, m, n, k);
        const out = wasm.alloc('float32', m * n);
        wasm[name](out, a, b, m, n, k);
        assertClose(out, expected, 1e-5, `${name} ${m}×${n}×${k}`);
      }
    });

    it('adam on every size, with and without weight decay', () => {
      for (const n of SIZES)
        for (const decay of [0, 0.01]) {
          const [w, g, m] = [uniform(wasm, n, rng), uniform(wasm, n, rng), uniform(wasm, n, rng, 0.1)];
          const v = uniform(wasm, n, rng, 0.01).map(Math.abs);
          const js = [w, g, m, v].map((x) => Float32Array.from(x));
          const args = [
            n,
            1e-3 / (1 - 0.9 ** 3),
            0.9,
            0.999,
            1e-8,
            Math.sqrt(1 - 0.999 ** 3),
            decay,
          ] as const;
          wasm.adam(w, g, m, v, ...args);
          jsKernels.adam(js[0]!, js[1]!, js[2]!, js[3]!, ...args);
          [w, m, v].forEach((x, i) => assertClose(x, js[[0, 2, 3][i]!]!, 1e-5, `adam n = ${n} [${i}]`));
        }
    });

    it('addBias, relu, sumRows, reluGrad, mul and dropout on every size, in WebAssembly memory and in plain arrays', () => {
      for (const rows of SIZES)
        for (const units of [1, 3, 17, 64, 65]) {
          const n = rows * units;
          const x = uniform(wasm, n, rng);
          const bias = uniform(wasm, units, rng);
          for (const inMemory of [true, false]) {
            const arr = (v: Float32Array) => (inMemory ? v : Float32Array.from(v));
            const out = () => (inMemory ? (wasm.alloc('float32', n) as Float32Array) : new Float32Array(n));
            const [y, yJs] = [arr(Float32Array.from(x)), Float32Array.from(x)];
            wasm.addBias(y, arr(bias), rows, units);
            jsKernels.addBias(yJs, bias, rows, units);
            assertClose(y, yJs, 1e-6, `addBias ${rows}×${units}`);
            const [r, rJs] = [out(), new Float32Array(n)];
            wasm.relu(r, arr(x), n);
            jsKernels.relu(rJs, x, n);
            assert.deepEqual(r, rJs, `relu ${n}`);
            // The backward steps: the same operations in the same order, so equal bit for bit.
            const g = uniform(wasm, n, rng);
            const sums = inMemory ? wasm.alloc('float32', units) : new Float32Array(units);
            const sumsJs = new Float32Array(units);
            wasm.sumRows(sums, arr(g), rows, units);
            jsKernels.sumRows(sumsJs, g, rows, units);
            assert.deepEqual(sums, sumsJs, `sumRows ${rows}×${units}`);
            const [dx, dxJs] = [out(), new Float32Array(n)];
            wasm.reluGrad(dx, arr(g), arr(x), n);
            jsKernels.reluGrad(dxJs, g, x, n);
            assert.deepEqual(dx, dxJs, `reluGrad ${n}`);
            wasm.mul(dx, arr(g), arr(x), n);
            jsKernels.mul(dxJs, g, x, n);
            assert.deepEqual(dx, dxJs, `mul ${n}`);
            // Same stream state and threshold: the same mask bit for bit, the same products.
            const [o, f, oJs, fJs] = [out(), out(), new Float32Array(n), new Float32Array(n)];
            const state = rng.nextUint32();
            const threshold = Math.ceil(0.3 * 2 ** 32);
            wasm.dropout(o, f, arr(x), n, state, threshold, 1 / 0.7);
            jsKernels.dropout(oJs, fJs, x, n, state, threshold, 1 / 0.7);
            assert.deepEqual(f, fJs, `dropout mask ${n}`);
            assert.deepEqual(o, oJs, `dropout output ${n}`);
          }
        }
    });

    it('float64 operands run on the JS kernels, bit for bit', () => {
      const a = Float64Array.from({ length: 15 }, () => rng.normal());
      const b = Float64Array.from({ length: 20 }, () => rng.normal());
      const expected = new Float64Array(12);
      const out = new Float64Array(12);
      jsKernels.matmulNT(expected, a, b, 3, 4, 5);
      wasm.matmulNT(out, a, b, 3, 4, 5);
      assert.deepEqual(out, expected);
      assert.ok(wasm.alloc('float64', 3) instanceof Float64Array);
    });

    it('buffers stay valid and zeroed while the memory grows', () => {
      const first = uniform(wasm, 1000, rng);
      const copy = Float32Array.from(first);
      const big = wasm.alloc('float32', 8 << 20); // 32 MiB: grows the memory
      assert.equal(big[big.length - 1], 0);
      assert.deepEqual(first, copy);
      const out = wasm.alloc('float32', 1);
      wasm.matmulNT(out, first, first, 1, 1, 1000);
      assertClose(out, [copy.reduce((s, v) => s + v * v, 0)], 1e-5, 'dot after growth');
    });

    it('a network trains the same on both kernel paths', () => {
      const specs: LayerSpec[] = [
        { type: 'dense', name: 'fc1', units: 65, init: 'he-normal' },
        { type: 'activation', name: 'relu', activation: 'relu' },
        { type: 'dropout', name: 'drop', variant: 'standard', rate: 0.3 },
        { type: 'dense', name: 'fc2', units: 3 },
      ];
      const x = Float32Array.from({ length: 17 * 9 }, () => rng.normal());
      const y = Int32Array.from({ length: 17 }, (_, i) => i % 3);
      const losses = (kernels: Kernels) => {
        const net = new Network([9], specs, { kernels });
        net.init(new Rng(1));
        const trainer = new Trainer(net, { optimizer: { type: 'adam', learningRate: 1e-2 } });
        const ctx = { training: true, rng: new Rng(2) };
        const out = Array.from({ length: 20 }, () => trainer.step({ data: x, shape: [17, 9] }, y, ctx).loss);
        return [...out, ...net.params.flatMap((p) => Array.from(p.value))];
      };
      assertClose(losses(wasm), losses(jsKernels), 1e-5, 'losses and final weights');
    });
  });

/** The compiled kernels, base64, as the build inlines them (esbuild `define`). */
declare const __KERNELS_WASM__: string;

/** How many times `run` calls the JS matmulNT, the WebAssembly kernels' fallback. */
function jsMatmulCalls(run: () => void): number {
  const original = jsKernels.matmulNT;
  let calls = 0;
  jsKernels.matmulNT = (...args) => {
    calls++;
    original(...args);
  };
  try {
    run();
  } finally {
    jsKernels.matmulNT = original;
  }
  return calls;
}

describe('WebAssembly kernels with their memory full', () => {
  it('leave further tensors in the JS heap; a matmul over them is staged while the room left holds it, else runs the JS kernel; both match the JS kernels (1e-5)', () => {
    // 32 pages (2 MiB): 16 at the start, room for seven 256 KiB blocks, then 255 KiB left.
    const bytes = Uint8Array.from(atob(__KERNELS_WASM__), (c) => c.charCodeAt(0));
    const wasm = createWasmKernels(bytes, 32);
    const rng = new Rng(3);
    const held = Array.from({ length: 12 }, () => wasm.alloc('float32', 65536) as Float32Array);
    assert.ok(
      held.some((v) => v.buffer instanceof ArrayBuffer) &&
        held.some((v) => !(v.buffer instanceof ArrayBuffer)),
      'the first blocks are in the shared WebAssembly memory, the later ones in the JS heap',
    );
    const matmul = (m: number, n: number, k: number) => {
      // Operands in the JS heap, as tensors the full memory could not hold.
      const a = uniform(jsKernels, m * k, rng);
      const b = uniform(jsKernels, n * k, rng);
      const out = new Float32Array(m * n);
      const calls = jsMatmulCalls(() => wasm.matmulNT(out, a, b, m, n, k));
      const expected = new Float32Array(m * n);
      jsKernels.matmulNT(expected, a, b, m, n, k);
      assertClose(out, expected, 1e-5, `matmulNT ${m}x${n}x${k}`);
      return calls;
    };
    // 17 × 17 × 17: three operands of about 1 KiB are staged in the room left and run in WebAssembly.
    assert.equal(matmul(17, 17, 17), 0, 'staged: the JS kernel did not run');
    // a of 257 × 257 (258 KiB) is larger than the room left: the JS kernel runs.
    assert.equal(matmul(257, 17, 257), 1, 'the JS kernel ran');
  });
});
