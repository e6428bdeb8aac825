// The fresh-mask dropout kernel on both kernel paths: its masks are the scalar Rng's draws (u ≥ p·2³²) in
// order, its keep rate is 1 − p within 4 standard errors, masks of consecutive passes and of neighbouring
// units (the four SIMD lanes) are independent, and a seed reproduces them.
import * as assert from 'node:assert/strict';
import { jsKernels, type Kernels } from '../../../src/core/engine/kernels/kernels';
import { kernelsFor } from '../../../src/core/engine/kernels/select';
import { Rng } from '../../../src/core/random/rng';

const UNITS = 1 << 18;

/** One pass of masks (1 = kept) over `units` units, drawn from `rng` as the Dropout layer does. */
function masks(k: Kernels, rng: Rng, units: number, p: number): Uint8Array {
  const x = k.alloc('float32', units).fill(1);
  const out = k.alloc('float32', units);
  const factor = k.alloc('float32', units);
  k.dropout(out, factor, x, units, rng.skip(units), Math.ceil(p * 2 ** 32), 1 / (1 - p));
  return Uint8Array.from(factor, (f) => (f > 0 ? 1 : 0));
}

const fraction = (m: Uint8Array, keep: (i: number) => boolean) => {
  let c = 0;
  for (let i = 0; i < m.length; i++) if (keep(i)) c++;
  return c / m.length;
};

/** |got − q| within 4 standard errors of a proportion q over n trials. */
function assertRate(got: number, q: number, n: number, what: string) {
  const se = Math.sqrt((q * (1 - q)) / n);
  assert.ok(Math.abs(got - q) < 4 * se, `${what}: ${got} vs ${q} ± ${4 * se}`);
}

for (const [name, k] of [
  ['js', jsKernels],
  ['wasm', kernelsFor('wasm')],
] as const)
  describe(`dropout masks (${name} kernels)`, () => {
    it('are the scalar stream: unit i kept ⇔ the i-th nextUint32 ≥ p·2³², and skip(n) ends where it would', () => {
      for (const p of [0.1, 0.5, 0.9]) {
        const units = 1001;
        const rng = new Rng(42);
        const got = masks(k, rng, units, p);
        const ref = new Rng(42);
        const expected = Uint8Array.from({ length: units }, () => (ref.nextUint32() >= p * 2 ** 32 ? 1 : 0));
        assert.deepEqual(got, expected, `p = ${p}`);
        assert.equal(rng.nextUint32(), ref.nextUint32());
      }
    });

    for (const p of [0.1, 0.5, 0.8])
      it(`keep rate 1 − p within 4 s.e. over ${UNITS} units, independent between passes and lanes (p = ${p})`, () => {
        const rng = new Rng(3);
        const a = masks(k, rng, UNITS, p);
        const b = masks(k, rng, UNITS, p);
        const q = 1 - p;
        assertRate(
          fraction(a, (i) => a[i] === 1),
          q,
          UNITS,
          'keep rate, pass 1',
        );
        assertRate(
          fraction(b, (i) => b[i] === 1),
          q,
          UNITS,
          'keep rate, pass 2',
        );
        // Independent: a unit kept in both passes with probability q², and so are neighbouring units
        // (lane 0 with lanes 1 and 3 of the same draw, and the last lane with the next draw's first).
        assertRate(
          fraction(a, (i) => a[i] === 1 && b[i] === 1),
          q * q,
          UNITS,
          'both passes',
        );
        for (const d of [1, 3, 4])
          assertRate(
            fraction(a.subarray(d), (i) => a[i] === 1 && a[i + d] === 1),
            q * q,
            UNITS - d,
            `units ${d} apart`,
          );
      });

    it('a seed reproduces the masks; another seed gives other masks', () => {
      const one = masks(k, new Rng(9), 4096, 0.5);
      assert.deepEqual(masks(k, new Rng(9), 4096, 0.5), one);
      const other = masks(k, new Rng(10), 4096, 0.5);
      assertRate(
        fraction(one, (i) => one[i] === other[i]),
        0.5,
        4096,
        'agreement between seeds',
      );
    });
  });
