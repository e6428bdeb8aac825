// Integer inputs on onnxruntime: the data travel as float32, so each value is checked before it becomes
// the input's type. Whole numbers below 2^24 reach the model exactly (the model subtracts a constant in
// double precision, so a rounded id would show); NaN, infinities, fractions, values outside the type's
// range (300 for a uint8 would wrap to 44) and magnitudes from 2^24 on (16777217 is 16777216 in float32)
// are refused, naming the input, the sample, the value and the type.
import * as assert from 'node:assert/strict';
import { onnx } from 'onnx-proto';
import { EngineError } from '../../../src/core/engine/engine-error';
import type { McModel } from '../../../src/core/engine/mc/runtime';
import { readOnnx } from '../../../src/core/formats/onnx/reader';
import { openOnnxRuntimeModel } from '../../../src/core/runtimes/onnxruntime/onnxruntime-model';

const T = onnx.TensorProto.DataType;

/** ids (`elemType`, [n, 2]) → Cast to double → Sub `offset` → Cast to float → Dropout → y, float [n, 2]. */
function idsModel(elemType: number, offset: number): McModel | Promise<McModel> {
  const info = (name: string, type: number): onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: type, shape: { dim: [{ dimParam: 'n' }, { dimValue: 2 }] } } },
  });
  const cast = (from: string, to: string, type: number): onnx.INodeProto => ({
    opType: 'Cast',
    input: [from],
    output: [to],
    attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: type }],
  });
  const graph: onnx.IGraphProto = {
    name: 'ids',
    node: [
      cast('ids', 'd', T.DOUBLE),
      { opType: 'Sub', input: ['d', 'offset'], output: ['s'] },
      cast('s', 'f', T.FLOAT),
      { opType: 'Dropout', name: 'drop', input: ['f'], output: ['y'] },
    ],
    initializer: [{ name: 'offset', dataType: T.DOUBLE, dims: [], doubleData: [offset] }],
    input: [info('ids', elemType)],
    output: [info('y', T.FLOAT)],
  };
  const model = { irVersion: 8, opsetImport: [{ domain: '', version: 13 }], graph };
  const source = { path: 'ids.onnx', bytes: onnx.ModelProto.encode(model).finish() };
  return openOnnxRuntimeModel(source, readOnnx(source));
}

/** Softmax of two logits. */
const softmax = (a: number, b: number) => {
  const m = Math.max(a, b);
  const z = Math.exp(a - m) + Math.exp(b - m);
  return [Math.exp(a - m) / z, Math.exp(b - m) / z];
};

describe('integer inputs on onnxruntime', () => {
  it('whole numbers below 2^24 reach the model exactly', async () => {
    const cases: [number, number, number[]][] = [
      [T.INT64, 16777214, [16777215, 16777214, 16777212, 16777213]],
      [T.INT32, -16777214, [-16777215, -16777213, -16777214, -16777212]],
      [T.UINT8, 254, [255, 254, 0, 253]],
      [T.INT8, -127, [-128, 127, -127, -126]],
      [T.BOOL, 1, [1, 0, 0, 1]],
    ];
    for (const [type, offset, ids] of cases) {
      const model = await idsModel(type, offset);
      try {
        const probs = await model.deterministic({ data: Float32Array.from(ids), shape: [2, 2] });
        const expected = [
          ...softmax(ids[0]! - offset, ids[1]! - offset),
          ...softmax(ids[2]! - offset, ids[3]! - offset),
        ];
        expected.forEach((p, i) =>
          assert.ok(Math.abs(probs[i]! - p) < 1e-6, `type ${type} [${i}]: ${probs[i]} vs ${p}`),
        );
      } finally {
        await model.dispose();
      }
    }
  });

  it('refuses NaN, infinities, fractions, values outside the type and magnitudes from 2^24, by name', async () => {
    const cases: [number, number, RegExp][] = [
      [
        T.INT64,
        16777217,
        /sample #1 holds 16777216, and from 2\^24 = 16777216 on the float32 .* may have rounded it/,
      ],
      [T.INT32, -16777216, /sample #1 holds -16777216, and from 2\^24/],
      [T.INT64, NaN, /takes int64 values, and sample #1 holds NaN, which is not a number/],
      [T.INT64, Infinity, /sample #1 holds Infinity, which is not a number/],
      [T.INT32, -Infinity, /sample #1 holds -Infinity, which is not a number/],
      [T.INT64, 2.5, /sample #1 holds 2\.5, which is not a whole number/],
      [T.UINT8, 300, /takes uint8 values, and sample #1 holds 300, outside uint8's range \[0, 255\]/],
      [T.UINT8, -1, /sample #1 holds -1, outside uint8's range \[0, 255\]/],
      [T.INT8, 128, /sample #1 holds 128, outside int8's range \[-128, 127\]/],
      [T.UINT16, 65536, /sample #1 holds 65536, outside uint16's range \[0, 65535\]/],
      [T.BOOL, 2, /takes bool values, and sample #1 holds 2, outside bool's range \[0, 1\]/],
    ];
    for (const [type, value, message] of cases) {
      const model = await idsModel(type, 0);
      try {
        await assert.rejects(
          model.deterministic({ data: Float32Array.from([1, 0, 0, value]), shape: [2, 2] }),
          (e: unknown) =>
            e instanceof EngineError &&
            e.message.startsWith('ids.onnx: the input "ids" takes') &&
            message.test(e.message),
          `${value}`,
        );
      } finally {
        await model.dispose();
      }
    }
  });
});
