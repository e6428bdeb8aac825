// Shape inference on the shape computations exporters write (test/fixtures/onnx-shapes, made by its
// generate.py with onnx.helper): every shape onnx.shape_inference (data_prop) knows, the reader must
// know the same, and where onnx 1.12 stops (a Reshape to a computed shape) the spec gives the answer.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readOnnx } from '../../../src/core/formats/onnx/reader';
import type { Graph, Shape } from '../../../src/core/model/ir';

const ROOT = 'test/fixtures/onnx-shapes';

function open(name: string): { graph: Graph; shapes: Map<string, Shape | undefined> } {
  const graph = readOnnx({ path: `${name}.onnx`, bytes: readFileSync(`${ROOT}/${name}.onnx`) });
  const shapes = new Map<string, Shape | undefined>();
  for (const l of graph.layers) if (l.tensors?.outputs[0]) shapes.set(l.tensors.outputs[0], l.outputShape);
  for (const o of graph.outputs) shapes.set(o.name, o.shape);
  return { graph, shapes };
}

describe('ONNX shape inference on exported shape computations', () => {
  for (const name of ['attention', 'recurrent', 'upsample', 'custom-op', 'branches']) {
    it(`${name}: knows every shape onnx.shape_inference knows, with the same dims`, () => {
      const expected = JSON.parse(readFileSync(`${ROOT}/${name}.expected.json`, 'utf8')) as Record<
        string,
        (number | string | null)[] | null
      >;
      const { shapes } = open(name);
      let compared = 0;
      for (const [tensor, want] of Object.entries(expected)) {
        if (!want || !shapes.has(tensor)) continue;
        const got = shapes.get(tensor);
        compared++;
        assert.ok(got, `${tensor}: onnx knows ${JSON.stringify(want)}`);
        assert.equal(got.length, want.length, `${tensor} rank`);
        // onnx names the dims it cannot tell apart unk__N: any size fits those.
        want.forEach((d, i) => {
          if (typeof d === 'string' && d.startsWith('unk__')) return;
          assert.equal(got[i], d, `${tensor} dim ${i}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
        });
      }
      assert.ok(compared > 0);
    });
  }

  it('attention: splits and merges the heads through the shapes computed from Shape, Gather and Concat', () => {
    const { shapes } = open('attention');
    // Reshape [batch, seq, 64] to [batch, seq, 4, 16]; Transpose perm [0, 2, 1, 3] and [0, 2, 3, 1];
    // MatMul batches over [batch, 4]; Reshape to [batch, seq, -1] gives 4 × 16; Slice [0, seq) on axis 1.
    assert.deepEqual(shapes.get('q4'), ['batch', 'seq', 4, 16]);
    assert.deepEqual(shapes.get('scores'), ['batch', 4, 'seq', 'seq']);
    assert.deepEqual(shapes.get('dropped'), ['batch', 4, 'seq', 'seq']);
    assert.deepEqual(shapes.get('merged'), ['batch', 'seq', 64]);
    assert.deepEqual(shapes.get('head'), ['batch', 'seq', 64]);
  });

  it('upsample: keeps the symbolic batch through Resize and ConvTranspose', () => {
    const { shapes } = open('upsample');
    assert.deepEqual(shapes.get('deconv'), ['batch', 5, 32, 32]);
    assert.deepEqual(shapes.get('down'), ['batch', 5, 7, 9]);
    assert.deepEqual(shapes.get('gram'), ['batch', 5, 5]);
  });

  it('branches: an If has the shape its two branches declare', () => {
    const { shapes } = open('branches');
    assert.deepEqual(shapes.get('y'), [1, 10]);
    assert.deepEqual(shapes.get('z'), [1, 10]);
  });

  it('custom-op: knows nothing after an op of another domain', () => {
    const { shapes } = open('custom-op');
    assert.deepEqual(shapes.get('conv'), [1, 4, 8, 8]);
    assert.equal(shapes.get('dropped'), undefined);
  });
});
