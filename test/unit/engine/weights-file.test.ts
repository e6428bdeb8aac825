// The weights files the MC job and the CLI read: the sidecar the Train panel saves ("DLW1", named and
// shaped tensors) must load into the network by name, not be taken for a bare float32 sidecar.
import * as assert from 'node:assert/strict';
import { buildFromGraph } from '../../../src/core/engine/build';
import { Network } from '../../../src/core/engine/network';
import { Rng } from '../../../src/core/random/rng';
import { applyWeights, parseWeights } from '../../../src/core/engine/weights-file';
import { openModel } from '../../../src/core/formats/detect';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { encodeWeights } from '../../../src/core/formats/nnjson/weights';

function digitsNetwork(seed: number): Network {
  const built = buildFromGraph(openModel(nodeModelSource('samples/digits-mlp.nn.json')));
  const net = new Network(built.inputShape, built.specs);
  net.init(new Rng(seed));
  return net;
}

describe('weights files', () => {
  it('loads a DLW1 sidecar by tensor name into a network initialised differently', () => {
    const trained = digitsNetwork(1);
    const tensors = trained
      .tensors()
      .map((t) => ({ name: t.name, shape: t.shape, data: Float32Array.from(t.value) }));
    // Saved in reverse order: loading must go by name, not by position.
    const bytes = encodeWeights({
      tensors: [...tensors].reverse(),
      standardization: { mean: [0], std: [1] },
    });
    const data = parseWeights(bytes, 'digits-mlp.weights.bin');
    assert.equal(data.kind, 'named');
    const other = digitsNetwork(2);
    assert.notDeepEqual(Array.from(other.tensors()[0]!.value), Array.from(tensors[0]!.data));
    applyWeights(other, data);
    for (const [i, t] of other.tensors().entries()) {
      assert.equal(t.name, tensors[i]!.name);
      assert.deepEqual(Array.from(t.value), Array.from(tensors[i]!.data));
    }
    if (data.kind === 'named') assert.deepEqual(data.shapes?.[tensors[0]!.name], tensors[0]!.shape);
  });

  it('still reads a bare float32 sidecar layer by layer', () => {
    const values = new Float32Array([1.5, -2, 0.25]);
    const data = parseWeights(new Uint8Array(values.buffer), 'old.bin');
    assert.deepEqual(data, { kind: 'flat', values });
  });
});
