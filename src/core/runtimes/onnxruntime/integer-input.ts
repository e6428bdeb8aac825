// Samples for an integer model input (token ids, masks) as the typed array onnxruntime-node takes for
// its ONNX type. The data travel as float32, which holds every whole number below 2^24 exactly but not
// every one above (16777217 arrives as 16777216): ids from 2^24 on, values outside the type's range
// (300 would wrap to 44 in a uint8) and NaN or infinities are refused by name, never rounded or wrapped.
import type { Tensor as OrtTensor } from 'onnxruntime-node';
import { EngineError } from '../../engine/engine-error';

/** Float32 holds every whole number of smaller magnitude exactly. */
const FLOAT32_EXACT = 2 ** 24;

interface IntegerType {
  min: number;
  max: number;
  array: (values: number[]) => OrtTensor.DataType;
}

const INTEGER_TYPES: Partial<Record<OrtTensor.Type, IntegerType>> = {
  bool: { min: 0, max: 1, array: (v) => Uint8Array.from(v) },
  int8: { min: -(2 ** 7), max: 2 ** 7 - 1, array: (v) => Int8Array.from(v) },
  uint8: { min: 0, max: 2 ** 8 - 1, array: (v) => Uint8Array.from(v) },
  int16: { min: -(2 ** 15), max: 2 ** 15 - 1, array: (v) => Int16Array.from(v) },
  uint16: { min: 0, max: 2 ** 16 - 1, array: (v) => Uint16Array.from(v) },
  int32: { min: -(2 ** 31), max: 2 ** 31 - 1, array: (v) => Int32Array.from(v) },
  uint32: { min: 0, max: 2 ** 32 - 1, array: (v) => Uint32Array.from(v) },
  int64: { min: -(2 ** 63), max: 2 ** 63, array: (v) => BigInt64Array.from(v, BigInt) },
  uint64: { min: 0, max: 2 ** 64, array: (v) => BigUint64Array.from(v, BigInt) },
};

export const isIntegerInput = (type: OrtTensor.Type): boolean => type in INTEGER_TYPES;

/** Why `v` cannot be a `type` value carried in float32, or undefined when it can. */
function problem(v: number, { min, max }: IntegerType, type: string): string | undefined {
  if (!Number.isFinite(v)) return 'which is not a number';
  if (!Number.isInteger(v)) return 'which is not a whole number';
  // Before the range: the 32- and 64-bit types' bounds lie beyond it.
  if (Math.abs(v) >= FLOAT32_EXACT)
    return `and from 2^24 = ${FLOAT32_EXACT} on the float32 the data travel in may have rounded it (16777217 reads as 16777216)`;
  if (v < min || v > max) return `outside ${type}'s range [${min}, ${max}]`;
  return undefined;
}

/**
 * `values` (rows of `width` values, the first one sample `first`) as `type` (an integer ONNX type,
 * isIntegerInput) for the input `input` of `file`.
 */
export function integerInput(
  values: Float32Array,
  type: OrtTensor.Type,
  where: { input: string; file: string; first: number; width: number },
): OrtTensor.DataType {
  const spec = INTEGER_TYPES[type] as IntegerType;
  values.forEach((v, i) => {
    const why = problem(v, spec, type);
    if (why)
      throw new EngineError(
        `${where.file}: the input "${where.input}" takes ${type} values, and sample #${where.first + Math.floor(i / where.width)} holds ${v}, ${why}`,
      );
  });
  return spec.array(Array.from(values));
}
