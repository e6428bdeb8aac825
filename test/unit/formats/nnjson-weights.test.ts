// The weights sidecar round-trips bit for bit, loads into a fresh network that then predicts the same,
// and names the problem in a damaged file.
import * as assert from 'node:assert/strict';
import { Network } from '../../../src/core/engine/network';
import type { LayerSpec } from '../../../src/core/model/network-spec';
import { Rng } from '../../../src/core/random/rng';
import { decodeWeights, encodeWeights, weightsByName } from '../../../src/core/formats/nnjson/weights';

const specs: LayerSpec[] = [
  { type: 'dense', name: 'dense_1', units: 5 },
  { type: 'batchnorm', name: 'bn' },
  { type: 'activation', name: 'relu', activation: 'relu' },
  { type: 'dense', name: 'dense_2', units: 3, bias: false },
];

describe('weights sidecar (DLW1)', () => {
  it('round-trips names, shapes, values and standardisation; a fresh network predicts the same', () => {
    const net = new Network([4], specs);
    net.init(new Rng(5));
    const standardization = { mean: [0.5, 1, 1.5, 2], std: [1, 2, 3, 4] };
    const tensors = net
      .tensors()
      .map((t) => ({ name: t.name, shape: t.shape, data: Float32Array.from(t.value) }));
    const bytes = encodeWeights({ tensors, standardization });
    assert.equal(new TextDecoder().decode(bytes.subarray(0, 4)), 'DLW1');
    const back = decodeWeights(bytes);
    assert.deepEqual(back.standardization, standardization);
    assert.deepEqual(
      back.tensors.map((t) => [t.name, t.shape]),
      [
        ['dense_1.weight', [5, 4]],
        ['dense_1.bias', [5]],
        ['bn.weight', [5]],
        ['bn.bias', [5]],
        ['bn.running_mean', [5]],
        ['bn.running_var', [5]],
        ['dense_2.weight', [3, 5]],
      ],
    );
    for (const [i, t] of back.tensors.entries()) assert.deepEqual(t.data, tensors[i]?.data);
    const fresh = new Network([4], specs);
    fresh.importWeights(weightsByName(back));
    const x = { data: Float32Array.from([1, -2, 0.5, 3, 0, 1, 2, -1]), shape: [2, 4] };
    const ctx = { training: false, rng: new Rng(0) };
    assert.deepEqual(Array.from(fresh.forward(x, ctx).data), Array.from(net.forward(x, ctx).data));
  });

  it('places the float data on a 4-byte boundary after the header', () => {
    const bytes = encodeWeights({ tensors: [{ name: 'w', shape: [2], data: Float32Array.from([1.5, -2]) }] });
    const headerLength = new DataView(bytes.buffer).getUint32(4, true);
    const start = (8 + headerLength + 3) & ~3;
    assert.equal(bytes.length, start + 8);
    assert.equal(new DataView(bytes.buffer).getFloat32(start + 4, true), -2);
  });

  it('rejects a wrong magic, a truncated file and a shape that does not fit', () => {
    const good = encodeWeights({ tensors: [{ name: 'w', shape: [2, 2], data: new Float32Array(4) }] });
    assert.throws(
      () => decodeWeights(new Uint8Array([1, 2, 3, 4, 0, 0, 0, 0]), 'x.bin'),
      /x\.bin: not a Dropout Lens weights file/,
    );
    assert.throws(() => decodeWeights(good.subarray(0, good.length - 4)), /"w" reaches past the end/);
    const text = new TextDecoder().decode(good).replace('[2,2]', '[2,3]');
    assert.throws(
      () => decodeWeights(new TextEncoder().encode(text)),
      /shape \[2,3\] does not hold 4 values/,
    );
  });
});
