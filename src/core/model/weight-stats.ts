// Summary statistics and a histogram of one weight tensor: what the model view shows for a layer
// instead of its raw values (a ResNet conv holds millions of them; the view gets a few dozen numbers).

export interface WeightStats {
  name: string;
  shape: number[];
  /** Finite values counted below (NaN and ±Infinity are counted apart, in `nonFinite`). */
  count: number;
  nonFinite: number;
  mean: number;
  /** Population standard deviation. */
  std: number;
  min: number;
  max: number;
  /** Share of exact zeros among the finite values, 0-1. */
  zeros: number;
  /** Equal-width bins from `min` to `max`; the last bin includes `max`. */
  histogram: number[];
}

export const HISTOGRAM_BINS = 32;

export function weightStats(
  name: string,
  shape: number[],
  values: ArrayLike<number>,
  bins = HISTOGRAM_BINS,
): WeightStats {
  let count = 0;
  let zeros = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  // Welford's running mean and sum of squared deviations: stable where Σx² − n·mean² cancels.
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    count++;
    const delta = v - mean;
    mean += delta / count;
    m2 += delta * (v - mean);
    if (v === 0) zeros++;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const histogram = new Array<number>(count > 0 ? bins : 0).fill(0);
  if (count > 0) {
    const width = (max - min) / bins;
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (!Number.isFinite(v)) continue;
      const bin = width > 0 ? Math.min(bins - 1, Math.floor((v - min) / width)) : 0;
      histogram[bin] = (histogram[bin] as number) + 1;
    }
  }
  return {
    name,
    shape,
    count,
    nonFinite: values.length - count,
    mean: count > 0 ? mean : 0,
    std: count > 0 ? Math.sqrt(m2 / count) : 0,
    min: count > 0 ? min : 0,
    max: count > 0 ? max : 0,
    zeros: count > 0 ? zeros / count : 0,
    histogram,
  };
}
