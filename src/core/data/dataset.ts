// A labelled data set in memory: rows of float32 features and integer class labels.

export interface Dataset {
  /** n × features, row-major. */
  x: Float32Array;
  y: Int32Array;
  n: number;
  /** Feature shape of one sample (e.g. [64] or [1, 8, 8]). */
  shape: number[];
  classes: number;
  featureNames?: string[];
}

export class DataError extends Error {}

/** The rows `order[start..start+count)` of `data` as a new data set (copies). */
export function subset(
  data: Dataset,
  order: ArrayLike<number>,
  start = 0,
  count = order.length - start,
): Dataset {
  const d = data.x.length / data.n;
  const x = new Float32Array(count * d);
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const r = order[start + i] as number;
    x.set(data.x.subarray(r * d, (r + 1) * d), i * d);
    y[i] = data.y[r] as number;
  }
  return { ...data, x, y, n: count };
}

/** Gives the samples the model's input shape when the sizes agree (64 features → [1, 8, 8]). */
export function fitShape(data: Dataset, inputShape: number[]): Dataset {
  const want = inputShape.reduce((a, b) => a * b, 1);
  const have = data.x.length / data.n;
  if (want !== have)
    throw new DataError(
      `the data have ${have} features per sample, the model's input [${inputShape}] needs ${want}`,
    );
  return { ...data, shape: [...inputShape] };
}
