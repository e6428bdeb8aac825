// Train/validation split (seeded shuffle) and feature standardisation fitted on the training rows only,
// so no statistic of the validation data leaks into training.
import { Rng, shuffle } from '../random/rng';
import { DataError, subset, type Dataset } from './dataset';

export interface PreparedData {
  train: Dataset;
  val: Dataset;
  /** Per-feature mean and standard deviation of the training rows (applied to both splits). */
  mean?: Float32Array;
  std?: Float32Array;
}

export function splitAndStandardize(
  data: Dataset,
  validationSplit: number,
  seed: number,
  standardize = true,
): PreparedData {
  if (!(validationSplit >= 0 && validationSplit < 1))
    throw new DataError(`validationSplit ${validationSplit} must be in [0, 1)`);
  const order = Int32Array.from({ length: data.n }, (_, i) => i);
  shuffle(order, new Rng(seed));
  const nVal = Math.round(data.n * validationSplit);
  const train = subset(data, order, nVal);
  const val = subset(data, order, 0, nVal);
  if (!standardize) return { train, val };
  const d = data.x.length / data.n;
  const mean = new Float32Array(d);
  const std = new Float32Array(d);
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let i = 0; i < train.n; i++) s += train.x[i * d + j] as number;
    const m = s / train.n;
    let sq = 0;
    for (let i = 0; i < train.n; i++) sq += ((train.x[i * d + j] as number) - m) ** 2;
    mean[j] = m;
    // A constant feature (digits' border pixels) is only centred.
    std[j] = Math.sqrt(sq / train.n) || 1;
  }
  for (const set of [train, val])
    for (let i = 0; i < set.n; i++)
      for (let j = 0; j < d; j++)
        set.x[i * d + j] = ((set.x[i * d + j] as number) - (mean[j] as number)) / (std[j] as number);
  return { train, val, mean, std };
}
