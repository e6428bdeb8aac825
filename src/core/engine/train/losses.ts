// Losses, both means over the batch like PyTorch's defaults: softmax cross-entropy from logits (integer
// labels) and mean squared error (mean over every element). Each returns the loss and, when given a
// buffer, writes dL/d(output) into it.
import type { Vec } from '../tensor';

/** Mean of −log softmax(logits)[label] over `rows` rows of `classes` logits. */
export function softmaxCrossEntropy(
  logits: Vec,
  labels: Int32Array,
  rows: number,
  classes: number,
  grad?: Vec,
): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * classes;
    let max = -Infinity;
    for (let j = 0; j < classes; j++) max = Math.max(max, logits[o + j] as number);
    let sum = 0;
    for (let j = 0; j < classes; j++) sum += Math.exp((logits[o + j] as number) - max);
    const logSum = Math.log(sum) + max;
    const label = labels[r] as number;
    total += logSum - (logits[o + label] as number);
    if (grad) {
      for (let j = 0; j < classes; j++)
        grad[o + j] = (Math.exp((logits[o + j] as number) - logSum) - (j === label ? 1 : 0)) / rows;
    }
  }
  return total / rows;
}

/** Mean of (output − target)² over every element. */
export function meanSquaredError(output: Vec, target: Vec, length: number, grad?: Vec): number {
  let total = 0;
  for (let i = 0; i < length; i++) {
    const d = (output[i] as number) - (target[i] as number);
    total += d * d;
    if (grad) grad[i] = (2 * d) / length;
  }
  return total / length;
}

/** Number of rows whose largest value sits at the label's index. */
export function countCorrect(scores: Vec, labels: Int32Array, rows: number, classes: number): number {
  let correct = 0;
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let j = 1; j < classes; j++)
      if ((scores[r * classes + j] as number) > (scores[r * classes + best] as number)) best = j;
    if (best === labels[r]) correct++;
  }
  return correct;
}
