// tfjs draws every random tensor (dropout masks, Gaussian noise, a graph's RandomUniform) from a generator
// it seeds with Math.random() when the op has no seed (tfjs-core rand_util.ts). Running a pass with
// Math.random drawn from our seeded Rng makes the same seed give the same passes. The swap is scoped to
// one synchronous call, so no other code can observe it.
import type { Rng } from '../../random/rng';

export function withSeededRandom<T>(rng: Rng, run: () => T): T {
  const random = Math.random;
  Math.random = () => rng.next();
  try {
    return run();
  } finally {
    Math.random = random;
  }
}
