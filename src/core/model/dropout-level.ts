// How much a dropout-family layer drops, as a Keras config or an .nn.json layer states it: its `rate`,
// or for Gaussian noise (which drops nothing) its σ, `stddev`. Both readers take it from here, so a
// value that is not a finite number is kept raw the same way in both.
import type { DropoutSpec } from './ir';

export type DropoutLevel = Pick<DropoutSpec, 'rate' | 'stddev' | 'rawRate' | 'rawStddev'> & {
  /** The property the level was read from. */
  property: 'rate' | 'stddev';
};

/** The level in `properties` of a layer that adds Gaussian noise (`noise`) or drops units. */
export function dropoutLevel(
  noise: boolean,
  properties: { readonly rate?: unknown; readonly stddev?: unknown },
): DropoutLevel {
  const property = noise ? 'stddev' : 'rate';
  const raw = properties[property];
  const finite = typeof raw === 'number' && Number.isFinite(raw);
  const value = finite ? raw : Number.NaN;
  return {
    property,
    rate: noise ? 0 : value,
    ...(noise ? { stddev: value } : {}),
    ...(finite ? {} : noise ? { rawStddev: raw } : { rawRate: raw }),
  };
}
