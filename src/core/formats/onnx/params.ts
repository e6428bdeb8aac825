// Parameter counts of ONNX nodes, from the dims of their constant inputs (never their data).
import type { ShapeInputs } from './shapes';

/**
 * Parameters a node owns: the constant inputs that are weights for its op (ONNX stores BatchNormalization's
 * running mean and variance as inputs too, so it counts 4 × C where PyTorch counts 2 × C trainable
 * parameters plus 2 × C buffers). A bias added after a MatMul is an Add with a constant operand.
 */
const WEIGHT_INPUTS = new Map<string, number[]>([
  ['Gemm', [1, 2]],
  ['MatMul', [1]],
  ['Conv', [1, 2]],
  ['ConvTranspose', [1, 2]],
  ['BatchNormalization', [1, 2, 3, 4]],
  ['LayerNormalization', [1, 2]],
  ['InstanceNormalization', [1, 2]],
  ['LSTM', [1, 2, 3]],
  ['GRU', [1, 2, 3]],
  ['RNN', [1, 2, 3]],
  ['PRelu', [1]],
  ['Add', [0, 1]],
]);

/** Weight inputs that training does not update: batch normalisation's running mean and variance. */
const FROZEN_INPUTS = new Map<string, number[]>([['BatchNormalization', [3, 4]]]);

/** Elements of the op's constant weight inputs; `frozen`: only those training leaves alone. */
export function countParams(opType: string, inputs: ShapeInputs, frozen = false): number {
  let total = 0;
  for (const i of (frozen ? FROZEN_INPUTS : WEIGHT_INPUTS).get(opType) ?? []) {
    const dims = inputs.constantDims(i);
    if (dims) total += dims.reduce((n, d) => n * d, 1);
  }
  return total;
}
