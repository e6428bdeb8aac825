// Elementwise ops in the ONNX reader: output shapes per the spec's broadcasting rules, and our own
// export read back with every op known.
import * as assert from 'node:assert/strict';
import { writeOnnx } from '../../../src/core/export/onnx-writer';
import { Network } from '../../../src/core/engine/network';
import { readOnnx } from '../../../src/core/formats/onnx/reader';
import { foldValue } from '../../../src/core/formats/onnx/fold';
import { inferShape, type ShapeInputs } from '../../../src/core/formats/onnx/shapes';
import type { Shape } from '../../../src/core/model/ir';
import { opLabel } from '../../../src/core/model/labels';
import type { LayerSpec } from '../../../src/core/model/network-spec';
import { Rng } from '../../../src/core/random/rng';

function inputs(...shapes: Shape[]): ShapeInputs {
  return {
    shape: (i) => shapes[i],
    values: () => undefined,
    value: () => undefined,
    constantDims: () => undefined,
    given: (i) => i < shapes.length,
    count: shapes.length,
    outputCount: 1,
  };
}

describe('ONNX elementwise output shapes', () => {
  // The multidirectional broadcasting examples of ONNX docs/Broadcasting.md.
  const examples: [Shape, Shape, Shape][] = [
    [[2, 3, 4, 5], [], [2, 3, 4, 5]],
    [[2, 3, 4, 5], [5], [2, 3, 4, 5]],
    [
      [4, 5],
      [2, 3, 4, 5],
      [2, 3, 4, 5],
    ],
    [
      [1, 4, 5],
      [2, 3, 1, 1],
      [2, 3, 4, 5],
    ],
    [
      [3, 4, 5],
      [2, 1, 1, 1],
      [2, 3, 4, 5],
    ],
  ];
  for (const op of ['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Equal', 'Greater', 'And']) {
    it(`${op} broadcasts as the spec's examples do`, () => {
      for (const [a, b, want] of examples) {
        assert.deepEqual(inferShape(op, {}, inputs(a, b)), want, `${op}(${a}, ${b})`);
      }
    });
  }

  it('keeps an unknown batch dimension and takes a known size over an unknown one', () => {
    assert.deepEqual(inferShape('Sub', {}, inputs([null, 64], [64])), [null, 64]);
    assert.deepEqual(inferShape('Mul', {}, inputs([null, 1], [null, 8])), [null, 8]);
    assert.deepEqual(inferShape('Div', {}, inputs([3, null], [3, 7])), [3, 7]);
  });

  it('broadcasts every input of Sum, Mean and Where', () => {
    assert.deepEqual(inferShape('Sum', {}, inputs([4, 1], [1, 5], [5])), [4, 5]);
    assert.deepEqual(inferShape('Mean', {}, inputs([2, 1, 3], [4, 1])), [2, 4, 3]);
    assert.deepEqual(inferShape('Where', {}, inputs([1, 5], [4, 1], [])), [4, 5]);
  });

  it('gives unary ops their input shape', () => {
    for (const op of ['Neg', 'Abs', 'Sqrt', 'Reciprocal', 'Exp', 'Log', 'Erf', 'Floor', 'Ceil', 'Sign']) {
      assert.deepEqual(inferShape(op, {}, inputs([null, 3, 8])), [null, 3, 8], op);
    }
  });

  it('gives PRelu the shape of X (its slope broadcasts one way)', () => {
    assert.deepEqual(inferShape('PRelu', {}, inputs([null, 16, 8, 8], [16, 1, 1])), [null, 16, 8, 8]);
  });
});

describe('ONNX export read back', () => {
  it('has no unknown op: standardisation, GELU and classic-scaled dropout read as elementwise', () => {
    const specs: LayerSpec[] = [
      { type: 'dense', name: 'a', units: 16 },
      { type: 'activation', name: 'a/gelu', activation: 'gelu' },
      { type: 'dropout', name: 'd1', variant: 'standard', rate: 0.3, scaling: 'inference-scale' },
      { type: 'dense', name: 'out', units: 3 },
    ];
    const net = new Network([4], specs);
    net.init(new Rng(1));
    const bytes = writeOnnx(net.record(), {
      name: 'mixed',
      softmax: true,
      standardization: { mean: [0, 1, 2, 3], std: [1, 2, 3, 4] },
    });
    const graph = readOnnx({ path: 'mixed.onnx', bytes });
    assert.deepEqual(
      graph.layers.filter((l) => l.op === 'unknown').map((l) => l.originalOp),
      [],
    );
    const labels = new Set(graph.layers.map(opLabel));
    for (const op of ['Sub', 'Div', 'Erf', 'Mul']) assert.ok(labels.has(`elementwise(${op})`), op);
    for (const layer of graph.layers.filter((l) => l.op === 'elementwise')) {
      assert.equal(
        layer.outputShape?.length,
        2,
        `${layer.name} (${layer.originalOp}) has a 2-d output shape`,
      );
    }
    const sub = graph.layers.find((l) => l.originalOp === 'Sub');
    assert.deepEqual(sub?.outputShape, ['batch', 4]);
  });
});

describe('ONNX shape computations of a malformed file', () => {
  it('folds no ConstantOfShape or Expand to a negative or fractional size, and infers no such rank', () => {
    const value = (data: number[]) => ({ dims: [data.length], data, int: true });
    for (const data of [[-2, 3], [2.5]]) {
      const given: ShapeInputs = { ...inputs([data.length]), value: () => value(data), values: () => data };
      assert.equal(foldValue('ConstantOfShape', {}, given, undefined), undefined);
      assert.equal(
        foldValue('Expand', {}, { ...given, value: (i) => (i === 0 ? value([1]) : value(data)) }, undefined),
        undefined,
      );
    }
    assert.equal(inferShape('ConstantOfShape', {}, inputs([-1])), undefined);
    assert.equal(inferShape('Unsqueeze', {}, { ...inputs([2, 3], [-4]), given: () => true }), undefined);
  });
});
