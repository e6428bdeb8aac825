// Hostile ONNX graphs: a few hundred bytes whose shapes, folded values or weight lists would grow without
// bound. Each must finish with a sensible result (unknown where the file gives no bound).
import * as assert from 'node:assert/strict';
import { onnx } from 'onnx-proto';
import { readOnnx } from '../../../src/core/formats/onnx/reader';
import type { Graph } from '../../../src/core/model/ir';
import { paramCounts } from '../../../src/core/model/param-counts';

const T = onnx.TensorProto.DataType;

/** A 1-D tensor; int64 unless `type` says otherwise. */
const tensor = (name: string, dims: number[], values: number[], type = T.INT64): onnx.ITensorProto =>
  type === T.INT64
    ? { name, dims, dataType: type, int64Data: values }
    : { name, dims, dataType: type, floatData: values };

const input = (name: string, dims: number[], elemType = T.FLOAT): onnx.IValueInfoProto => ({
  name,
  type: { tensorType: { elemType, shape: { dim: dims.map((dimValue) => ({ dimValue })) } } },
});

function read(graph: onnx.IGraphProto): Graph {
  const bytes = onnx.ModelProto.encode({ irVersion: 8, opsetImport: [{ version: 13 }], graph }).finish();
  return readOnnx({ path: 'hostile.onnx', bytes });
}

describe('hostile ONNX graphs: shapes, folded values and weight lists stay bounded', () => {
  it('counts a weight added to itself 40 times once (the weight list does not double per node)', () => {
    const node: onnx.INodeProto[] = [];
    for (let k = 1; k <= 40; k++)
      node.push({ opType: 'Add', name: `add${k}`, input: [`a${k - 1}`, `a${k - 1}`], output: [`a${k}`] });
    node.push({ opType: 'Add', name: 'out', input: ['x', 'a40'], output: ['y'] });
    const graph = read({
      name: 'doubling',
      node,
      initializer: [tensor('a0', [2], [1, 2], T.FLOAT)],
      input: [input('x', [2])],
      output: [{ name: 'y' }],
    });
    // The file stores one float tensor of 2 elements (onnx: sum of float initializer sizes).
    assert.deepEqual(paramCounts(graph), { total: 2, trainable: 2 });
    assert.equal(graph.layers.find((l) => l.name === 'out')?.params, 2);
  });

  /** Reshape and Unsqueeze whose shape / axes input is a graph input of `length` unknown values. */
  const byInputLength = (opType: string, length: number) => {
    const graph = read({
      name: 'rank',
      node: [{ opType, name: 'op', input: ['x', 'n'], output: ['y'] }],
      input: [input('x', [2, 3]), input('n', [length], T.INT64)],
      output: [{ name: 'y' }],
    });
    return graph.layers.find((l) => l.name === 'op')?.outputShape;
  };

  it('gives a Reshape to a 10^8-long shape no rank (and a Reshape to a 4-long one rank 4, as the spec ties the rank to that length)', () => {
    assert.equal(byInputLength('Reshape', 1e8), undefined);
    assert.deepEqual(byInputLength('Reshape', 4), [null, null, null, null]);
  });

  it('gives an Unsqueeze of 10^8 unknown axes no rank (and of 2 unknown axes rank 4, as the spec ties the rank to that length)', () => {
    assert.equal(byInputLength('Unsqueeze', 1e8), undefined);
    assert.deepEqual(byInputLength('Unsqueeze', 2), [null, null, null, null]);
  });

  it('does not fold a Gather of 4096 × 4096 elements, nor one of 4096^3 reading it: their shapes stay known', () => {
    const axis1: onnx.IAttributeProto = { name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 };
    const zeros = Array<number>(4096).fill(0);
    const graph = read({
      name: 'gather',
      node: [
        { opType: 'Gather', name: 'g1', input: ['data', 'idx'], output: ['g1'], attribute: [axis1] },
        { opType: 'Gather', name: 'g2', input: ['data', 'g1'], output: ['g2'], attribute: [axis1] },
      ],
      initializer: [tensor('data', [4096, 1], zeros), tensor('idx', [4096], zeros)],
      output: [{ name: 'g2' }],
    });
    // Gather's output shape: data.shape[:axis] + indices.shape + data.shape[axis + 1:] (ONNX Operators.md).
    const shape = (name: string) => graph.layers.find((l) => l.name === name)?.outputShape;
    assert.deepEqual(shape('g1'), [4096, 4096]);
    assert.deepEqual(shape('g2'), [4096, 4096, 4096]);
  });

  it('does not fold a Concat of a 4096-element constant 10,000 times: its shape stays known', () => {
    const graph = read({
      name: 'concat',
      node: [
        {
          opType: 'Concat',
          name: 'cat',
          input: Array<string>(10_000).fill('c'),
          output: ['y'],
          attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }],
        },
        { opType: 'Shape', name: 'shape', input: ['y'], output: ['s'] },
      ],
      initializer: [tensor('c', [4096], Array<number>(4096).fill(1))],
      output: [{ name: 's' }],
    });
    assert.deepEqual(graph.layers.find((l) => l.name === 'cat')?.outputShape, [4096 * 10_000]);
    assert.deepEqual(graph.layers.find((l) => l.name === 'shape')?.outputShape, [1]);
  });

  /** Reshape(z, Shape(x)[0:4:step]) with x of shape [2, 3, 4, 5]; `steps` an initializer or a graph input. */
  const slicedShape = (steps: onnx.ITensorProto | onnx.IValueInfoProto) => {
    const graph = read({
      name: 'slice',
      node: [
        { opType: 'Shape', name: 'shape', input: ['x'], output: ['s'] },
        { opType: 'Slice', name: 'slice', input: ['s', 'starts', 'ends', 'axes', 'steps'], output: ['t'] },
        { opType: 'Reshape', name: 'reshape', input: ['z', 't'], output: ['y'] },
      ],
      initializer: [
        tensor('starts', [1], [0]),
        tensor('ends', [1], [4]),
        tensor('axes', [1], [0]),
        ...('dims' in steps ? [steps] : []),
      ],
      input: [input('x', [2, 3, 4, 5]), input('z', [8]), ...('type' in steps ? [steps] : [])],
      output: [{ name: 'y' }],
    });
    const shape = (name: string) => graph.layers.find((l) => l.name === name)?.outputShape;
    return { slice: shape('slice'), reshape: shape('reshape') };
  };

  it('folds a Slice of a shape with its steps input (numpy: [2, 3, 4, 5][0:4:2] is [2, 4])', () => {
    assert.deepEqual(slicedShape(tensor('steps', [1], [2])), { slice: [2], reshape: [2, 4] });
  });

  it('does not fold a Slice whose steps input is named but unknown as if its steps were 1', () => {
    assert.deepEqual(slicedShape(input('steps', [1], T.INT64)), { slice: [null], reshape: undefined });
  });
});
