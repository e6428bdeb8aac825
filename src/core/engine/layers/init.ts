// Seeded weight initialisers. He for ReLU-family layers, LeCun normal for SELU (self-normalising nets need
// it, Klambauer et al. 2017), Glorot for the rest; biases start at zero.
import type { InitKind } from '../../model/network-spec';
import type { Rng } from '../../random/rng';
import type { Vec } from '../tensor';

export function initWeights(w: Vec, kind: InitKind, fanIn: number, fanOut: number, rng: Rng): void {
  if (kind === 'glorot-uniform') {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    for (let i = 0; i < w.length; i++) w[i] = (2 * rng.next() - 1) * limit;
    return;
  }
  const std = Math.sqrt((kind === 'he-normal' ? 2 : 1) / fanIn);
  for (let i = 0; i < w.length; i++) w[i] = rng.normal() * std;
}

/** The initialiser that suits the activation following a layer. */
export function initFor(activation: string | undefined): InitKind {
  switch (activation) {
    case 'relu':
    case 'leaky-relu':
    case 'elu':
    case 'gelu':
      return 'he-normal';
    case 'selu':
      return 'lecun-normal';
    default:
      return 'glorot-uniform';
  }
}
