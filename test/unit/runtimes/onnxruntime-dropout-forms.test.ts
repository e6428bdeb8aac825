// The MC copy's forms of an ONNX Dropout by its ratio: 0 becomes the identity (its mask all true), so the
// prefix split runs it once instead of stopping there; 1 is refused by name (the scale 1 / (1 − ratio)
// would be 1 / 0); in between stays stochastic. Checked on onnxruntime itself.
import * as assert from 'node:assert/strict';
import { onnx } from 'onnx-proto';
import { EngineError } from '../../../src/core/engine/engine-error';
import { loadOrt } from '../../../src/core/runtimes/onnxruntime/load-ort';
import { splitAtRandom } from '../../../src/core/runtimes/onnxruntime/prefix-split';
import { mcCopy } from '../../../src/core/runtimes/onnxruntime/stochastic-dropout';

const F = onnx.TensorProto.DataType.FLOAT;
const info = (name: string, elemType = F): onnx.IValueInfoProto => ({
  name,
  type: { tensorType: { elemType, shape: { dim: [{ dimParam: 'n' }, { dimValue: 3 }] } } },
});

/** x → Relu → Dropout "off" (ratio `first`, its mask an output) → Dropout "on" (0.5) → Neg → y. */
function model(first: number): { model: onnx.IModelProto; rates: Map<onnx.INodeProto, number> } {
  const off: onnx.INodeProto = { opType: 'Dropout', name: 'off', input: ['r'], output: ['d', 'mask'] };
  const on: onnx.INodeProto = { opType: 'Dropout', name: 'on', input: ['d'], output: ['e'] };
  const graph: onnx.IGraphProto = {
    name: 'g',
    node: [
      { opType: 'Relu', name: 'relu', input: ['x'], output: ['r'] },
      off,
      on,
      { opType: 'Neg', name: 'neg', input: ['e'], output: ['y'] },
    ],
    input: [info('x')],
    output: [info('y'), info('mask', onnx.TensorProto.DataType.BOOL)],
  };
  const proto = { irVersion: 7, opsetImport: [{ domain: '', version: 9 }], graph };
  return {
    model: proto,
    rates: new Map([
      [off, first],
      [on, 0.5],
    ]),
  };
}

describe('the MC copy of ONNX Dropouts by ratio', () => {
  it('ratio 0 is the identity with an all-true mask, and the prefix split runs it once', async () => {
    const { model: m, rates } = model(0);
    const copy = mcCopy(m, rates, 1);
    assert.equal(copy.randomNodes.length, 1);
    // Relu and the ratio-0 Dropout (as Identity, Shape, ConstantOfShape) before the first random node.
    const split = splitAtRandom(copy.model.graph as onnx.IGraphProto, 'y');
    assert.deepEqual(split?.handedOn, ['d']);
    const ort = await loadOrt();
    const bytes = onnx.ModelProto.encode(copy.model as onnx.ModelProto).finish();
    const session = await ort.InferenceSession.create(bytes);
    try {
      const x = Float32Array.from([-1, 2, 3, 4, -5, 6]);
      const out = await session.run({ x: new ort.Tensor('float32', x, [2, 3]) });
      assert.deepEqual(Array.from(out.mask!.data as Uint8Array, Boolean), [
        true,
        true,
        true,
        true,
        true,
        true,
      ]);
      // Dropout(0.5) on Relu(x), negated: each value is 0 or −2·relu(x).
      const y = out.y!.data as Float32Array;
      x.forEach((v, i) => assert.ok(y[i] === 0 || y[i] === -2 * Math.max(0, v), `y[${i}] = ${y[i]}`));
    } finally {
      await session.release();
    }
  });

  it('ratio 1 is refused, naming the node: by its name, or by op type and index (in its subgraph)', () => {
    const { model: m, rates } = model(1);
    const refused = (message: RegExp) => (e: unknown) => e instanceof EngineError && message.test(e.message);
    assert.throws(() => mcCopy(m, rates, 1), refused(/^Dropout "off" has ratio 1: /));
    const off = m.graph!.node![1]!;
    off.name = '';
    assert.throws(() => mcCopy(m, rates, 1), refused(/^Dropout #1 has ratio 1: /));
    // The same graph as the else branch of an unnamed If, itself the then branch of an If "outer".
    const branch = (g: onnx.IGraphProto): onnx.INodeProto => ({
      opType: 'If',
      input: ['c'],
      output: ['y'],
      attribute: [{ name: 'else_branch', type: onnx.AttributeProto.AttributeType.GRAPH, g }],
    });
    const inner = branch(m.graph!);
    const outer = { ...branch({ name: 'then', node: [inner] }), name: 'outer' };
    outer.attribute![0]!.name = 'then_branch';
    const nested = { ...m, graph: { name: 'g', node: [outer] } };
    assert.throws(
      () => mcCopy(nested, rates, 1),
      refused(/^Dropout #1 in If #0 else_branch in If "outer" then_branch has ratio 1: /),
    );
  });
});
