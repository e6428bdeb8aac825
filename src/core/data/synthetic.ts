// Seeded synthetic 2-D classification sets (as in scikit-learn's make_moons / make_circles and the classic
// two-spiral and XOR problems), with gaussian noise of standard deviation `noise` on each coordinate.
import { Rng } from '../random/rng';
import { DataError, type Dataset } from './dataset';

export type SyntheticName = 'moons' | 'circles' | 'spiral' | 'xor';
export const SYNTHETIC_NAMES: readonly SyntheticName[] = ['moons', 'circles', 'spiral', 'xor'];

export interface SyntheticOptions {
  n?: number;
  noise?: number;
  seed?: number;
}

/** Largest set generated: the sets exist to show dropout on a plane, and n comes from user text. */
export const MAX_SYNTHETIC = 1_000_000;

/** Sample i has class i mod 2 (xor: the sign pattern of its point). */
export function synthetic(name: SyntheticName, options: SyntheticOptions = {}): Dataset {
  const n = options.n ?? 1000;
  const noise = options.noise ?? 0.1;
  if (!(Number.isInteger(n) && n > 0 && n <= MAX_SYNTHETIC))
    throw new DataError(`${name}: n must be a whole number from 1 to ${MAX_SYNTHETIC}`);
  if (!(noise >= 0)) throw new DataError(`${name}: noise must be ≥ 0`);
  const rng = new Rng(options.seed ?? 0);
  const x = new Float32Array(2 * n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let c = i % 2;
    let px: number;
    let py: number;
    const u = rng.next();
    switch (name) {
      case 'moons': {
        const a = Math.PI * u;
        px = c === 0 ? Math.cos(a) : 1 - Math.cos(a);
        py = c === 0 ? Math.sin(a) : 0.5 - Math.sin(a);
        break;
      }
      case 'circles': {
        const a = 2 * Math.PI * u;
        const r = c === 0 ? 1 : 0.5;
        px = r * Math.cos(a);
        py = r * Math.sin(a);
        break;
      }
      case 'spiral': {
        // Two interleaved arms of 1.5 turns; radius grows with the angle.
        const t = 0.05 + 0.95 * u;
        const a = 3 * Math.PI * t + c * Math.PI;
        px = t * Math.cos(a);
        py = t * Math.sin(a);
        break;
      }
      case 'xor': {
        px = 2 * u - 1;
        py = 2 * rng.next() - 1;
        c = px > 0 !== py > 0 ? 1 : 0;
        break;
      }
    }
    x[2 * i] = px + noise * rng.normal();
    x[2 * i + 1] = py + noise * rng.normal();
    y[i] = c;
  }
  return { x, y, n, shape: [2], classes: 2, featureNames: ['x', 'y'] };
}
