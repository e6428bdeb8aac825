// Whether data's samples are the model's samples: the same values in the same order, which a shape with
// the same number of values does not make (an NHWC [16, 16, 3] image is not an NCHW [3, 16, 16] one).

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/**
 * Whether samples of shape `data` go to a model taking `model` as they are: the shapes are equal once axes
 * of 1 are dropped ([28, 28] for [1, 28, 28]), or either is flat with the same number of values ([784] for
 * [1, 28, 28], a [2, 3] array for a [6] model: C order is the flattening).
 */
export function sampleShapeFits(data: readonly number[], model: readonly number[]): boolean {
  if (product(data) !== product(model)) return false;
  const a = data.filter((d) => d !== 1);
  const b = model.filter((d) => d !== 1);
  return a.length <= 1 || b.length <= 1 || (a.length === b.length && a.every((d, i) => d === b[i]));
}
