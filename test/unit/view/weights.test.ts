// The details panel's weight statistics: the summary against hand-worked numbers, and the tensors of a
// layer read from each format, checked against what the exporting framework wrote down.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { layerWeightStats } from '../../../src/core/engine/layer-weights';
import { openModel } from '../../../src/core/formats/detect';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { encodeWeights } from '../../../src/core/formats/nnjson/weights';
import { weightStats, type WeightStats } from '../../../src/core/model/weight-stats';

const FIXTURES = resolve(__dirname, '../../../../test/fixtures');

async function statsOf(path: string, layerName: string): Promise<WeightStats[]> {
  const source = nodeModelSource(path);
  const graph = openModel(source);
  const layer = graph.layers.find((l) => l.name === layerName);
  assert.ok(layer, `no layer ${layerName} in ${graph.layers.map((l) => l.name).join(', ')}`);
  return layerWeightStats(graph, layer, source);
}

/** Plain two-pass formulas, written out independently of the Welford loop under test. */
function reference(values: number[]) {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
  return {
    count: values.length,
    mean,
    std: Math.sqrt(variance),
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

function close(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);
}

describe('weight statistics', () => {
  it('counts, mean, population std, extremes, zeros and bins of a small tensor', () => {
    const s = weightStats('w', [2, 3], [0, 1, 2, 3, Number.NaN, -1], 4);
    assert.equal(s.count, 5);
    assert.equal(s.nonFinite, 1);
    assert.equal(s.mean, 1);
    // Deviations -1, 0, 1, 2, -2: squares sum to 10, over 5 values.
    close(s.std, Math.SQRT2, 1e-12, 'std');
    assert.equal(s.min, -1);
    assert.equal(s.max, 3);
    assert.equal(s.zeros, 0.2);
    // Bins of width 1 from -1: [-1, 0) [0, 1) [1, 2) [2, 3], the maximum in the last.
    assert.deepEqual(s.histogram, [1, 1, 1, 2]);
  });

  it('stays exact far from zero, and puts a constant tensor in one bin', () => {
    const far = weightStats('b', [3], Float32Array.from([1e6 + 1, 1e6 + 2, 1e6 + 3]));
    close(far.std, Math.sqrt(2 / 3), 1e-9, 'std far from zero');
    const flat = weightStats('c', [3], [0.5, 0.5, 0.5], 8);
    assert.equal(flat.std, 0);
    assert.deepEqual(flat.histogram, [3, 0, 0, 0, 0, 0, 0, 0]);
    assert.deepEqual(weightStats('e', [0], []).histogram, []);
  });

  it("reads an ONNX layer's initializers: PyTorch's own values for the first Linear", async () => {
    const torch = JSON.parse(readFileSync(join(FIXTURES, 'mc-onnx/weights.json'), 'utf8')) as {
      weights: Record<string, number[]>;
    };
    const path = join(FIXTURES, 'mc-onnx/mlp-dropout.onnx');
    const graph = openModel(nodeModelSource(path));
    const first = graph.layers.find((l) => l.originalOp === 'Gemm');
    assert.ok(first);
    const tensors = await statsOf(path, first.name);
    const bySize = (n: number) => tensors.find((t) => t.count === n) as WeightStats;
    for (const [name, values] of [
      ['fc1.weight', torch.weights['fc1.weight'] as number[]],
      ['fc1.bias', torch.weights['fc1.bias'] as number[]],
    ] as const) {
      const expected = reference(values);
      const got = bySize(expected.count);
      assert.ok(got, `${name}: no tensor of ${expected.count} values`);
      close(got.mean, expected.mean, 1e-7, `${name} mean`);
      close(got.std, expected.std, 1e-7, `${name} std`);
      close(got.min, expected.min, 1e-7, `${name} min`);
      close(got.max, expected.max, 1e-7, `${name} max`);
      assert.equal(
        got.histogram.reduce((a, b) => a + b, 0),
        expected.count,
      );
    }
  });

  it("reads a TensorFlow.js layer's kernel and bias from its shards: the sums tfjs recorded", async () => {
    const dir = join(FIXTURES, 'tfjs/mlp');
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as {
      weights: Record<string, { shape: number[]; sum: number }>;
    };
    const tensors = await statsOf(join(dir, 'model.json'), 'hidden1');
    assert.deepEqual(
      tensors.map((t) => t.name),
      ['hidden1/kernel', 'hidden1/bias'],
    );
    for (const t of tensors) {
      const facts = expected.weights[t.name] as { shape: number[]; sum: number };
      assert.deepEqual(t.shape, facts.shape);
      close(t.mean * t.count, facts.sum, 1e-5, `${t.name} sum`);
    }
  });

  it('reads an .nn.json layer from its DLW1 sidecar by the layer name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dropout-lens-weights-'));
    try {
      writeFileSync(
        join(dir, 'tiny.nn.json'),
        JSON.stringify({
          format: 'dropout-lens/nn',
          version: 1,
          name: 'tiny',
          input: { shape: [2] },
          layers: [
            { type: 'dense', name: 'hidden', units: 2 },
            { type: 'dropout', rate: 0.5 },
            { type: 'dense', name: 'out', units: 1 },
          ],
          weights: 'tiny.weights.bin',
        }),
      );
      const tensors = [
        { name: 'hidden.weight', shape: [2, 2], data: Float32Array.from([1, -1, 0, 2]) },
        { name: 'hidden.bias', shape: [2], data: Float32Array.from([0, 0]) },
        { name: 'out.weight', shape: [1, 2], data: Float32Array.from([0.5, 0.25]) },
        { name: 'out.bias', shape: [1], data: Float32Array.from([3]) },
      ];
      writeFileSync(join(dir, 'tiny.weights.bin'), encodeWeights({ tensors }));
      const [weight, bias] = await statsOf(join(dir, 'tiny.nn.json'), 'hidden');
      assert.equal(weight?.name, 'hidden.weight');
      assert.deepEqual(weight?.shape, [2, 2]);
      assert.equal(weight?.mean, 0.5);
      assert.equal(weight?.zeros, 0.25);
      assert.equal(weight?.min, -1);
      assert.equal(weight?.max, 2);
      assert.equal(bias?.zeros, 1);
      assert.deepEqual(
        (await statsOf(join(dir, 'tiny.nn.json'), 'out')).map((t) => t.name),
        ['out.weight', 'out.bias'],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
