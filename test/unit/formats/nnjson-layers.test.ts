// Every .nn.json layer type against shapes and parameter counts as Keras and PyTorch define them,
// each formula written out here rather than taken from the reader.
import * as assert from 'node:assert/strict';
import schema from '../../../media/nn.schema.json';
import { readNnJson } from '../../../src/core/formats/nnjson/reader';
import { LAYER_OPS } from '../../../src/core/formats/nnjson/layers';
import type { Layer } from '../../../src/core/model/ir';

/** Reads a one-layer model and returns that layer. */
function one(inputShape: number[], layer: object): Layer {
  const text = JSON.stringify({
    format: 'dropout-lens/nn',
    version: 1,
    input: { shape: inputShape },
    layers: [layer],
  });
  return readNnJson(text).layers[1] as Layer;
}

// Keras conv output sizes: valid = floor((n - k) / s) + 1, same = ceil(n / s).
const valid = (n: number, k: number, s: number) => Math.floor((n - k) / s) + 1;
const same = (n: number, s: number) => Math.ceil(n / s);

const CASES: { type: string; input: number[]; layer: object; op: string; shape: number[]; params: number }[] =
  [
    // Dense: in * units weights + units biases.
    { type: 'dense', input: [20], layer: { units: 7 }, op: 'dense', shape: [7], params: 20 * 7 + 7 },
    { type: 'dense', input: [20], layer: { units: 7, bias: false }, op: 'dense', shape: [7], params: 20 * 7 },
    // Conv2D: C * kh * kw * F weights + F biases.
    {
      type: 'conv2d',
      input: [3, 7, 7],
      layer: { filters: 4, kernelSize: 3, stride: 2 },
      op: 'conv',
      shape: [4, valid(7, 3, 2), valid(7, 3, 2)],
      params: 3 * 3 * 3 * 4 + 4,
    },
    {
      type: 'conv2d',
      input: [3, 7, 9],
      layer: { filters: 2, kernelSize: [3, 5], stride: [2, 3], padding: 'same' },
      op: 'conv',
      shape: [2, same(7, 2), same(9, 3)],
      params: 3 * 3 * 5 * 2 + 2,
    },
    { type: 'maxpool2d', input: [4, 6, 6], layer: { poolSize: 2 }, op: 'pool', shape: [4, 3, 3], params: 0 },
    {
      type: 'avgpool2d',
      input: [4, 7, 8],
      layer: { poolSize: [3, 2], stride: 2 },
      op: 'pool',
      shape: [4, valid(7, 3, 2), valid(8, 2, 2)],
      params: 0,
    },
    { type: 'globalavgpool2d', input: [4, 6, 6], layer: {}, op: 'pool', shape: [4], params: 0 },
    { type: 'flatten', input: [4, 3, 3], layer: {}, op: 'flatten', shape: [4 * 3 * 3], params: 0 },
    { type: 'reshape', input: [36], layer: { shape: [4, -1] }, op: 'reshape', shape: [4, 36 / 4], params: 0 },
    // BatchNorm: gamma, beta, moving mean, moving variance per channel.
    {
      type: 'batchnorm',
      input: [4, 6, 6],
      layer: { momentum: 0.9 },
      op: 'batchnorm',
      shape: [4, 6, 6],
      params: 4 * 4,
    },
    {
      type: 'batchnorm',
      input: [10],
      layer: { epsilon: 1e-5 },
      op: 'batchnorm',
      shape: [10],
      params: 4 * 10,
    },
    // LayerNorm: gamma and beta per normalised feature.
    {
      type: 'layernorm',
      input: [10],
      layer: { epsilon: 1e-6 },
      op: 'layernorm',
      shape: [10],
      params: 2 * 10,
    },
    {
      type: 'activation',
      input: [10],
      layer: { activation: 'leaky-relu', alpha: 0.2 },
      op: 'activation',
      shape: [10],
      params: 0,
    },
    { type: 'softmax', input: [10], layer: {}, op: 'softmax', shape: [10], params: 0 },
    { type: 'dropout', input: [10], layer: { rate: 0.5 }, op: 'dropout', shape: [10], params: 0 },
    {
      type: 'spatial-dropout',
      input: [4, 6, 6],
      layer: { rate: 0.2 },
      op: 'dropout',
      shape: [4, 6, 6],
      params: 0,
    },
    { type: 'alpha-dropout', input: [10], layer: { rate: 0.05 }, op: 'dropout', shape: [10], params: 0 },
    { type: 'gaussian-dropout', input: [10], layer: { rate: 0.3 }, op: 'dropout', shape: [10], params: 0 },
    {
      type: 'gaussian-noise',
      input: [10],
      layer: { stddev: 0.1 },
      op: 'gaussian-noise',
      shape: [10],
      params: 0,
    },
  ];

describe('.nn.json layers', () => {
  const schemaTypes = schema.definitions.layerType.enum as string[];

  it('accepts exactly the layer types the schema lists, and the cases cover them all', () => {
    assert.deepEqual([...Object.keys(LAYER_OPS)].sort(), [...schemaTypes].sort());
    assert.deepEqual([...new Set(CASES.map((c) => c.type))].sort(), [...schemaTypes].sort());
  });

  for (const c of CASES) {
    it(`${c.type} ${JSON.stringify(c.layer)} on ${JSON.stringify(c.input)}`, () => {
      const layer = one(c.input, { type: c.type, ...c.layer });
      assert.equal(layer.op, c.op);
      assert.deepEqual(layer.outputShape, [null, ...c.shape]);
      assert.equal(layer.params, c.params);
      // Batch normalisation's running mean and variance (PyTorch's buffers) are not trained.
      assert.equal(layer.frozenParams ?? 0, c.type === 'batchnorm' ? c.params / 2 : 0);
    });
  }

  it('normalises every dropout-family layer into a DropoutSpec', () => {
    const spec = (type: string, extra: object, input = [4, 6, 6]) => one(input, { type, ...extra }).dropout;
    assert.equal(spec('spatial-dropout', { rate: 0.2 })?.variant, 'spatial');
    assert.equal(spec('alpha-dropout', { rate: 0.05 })?.variant, 'alpha');
    assert.equal(spec('gaussian-dropout', { rate: 0.3 })?.variant, 'gaussian');
    assert.deepEqual(spec('gaussian-noise', { stddev: 0.1 })?.origin, {
      op: 'gaussian-noise',
      rateSource: 'property',
      property: 'stddev',
    });
    const full = spec('dropout', {
      rate: 0.25,
      scaling: 'inference-scale',
      noiseShape: [4, 1, 1],
      mcDropout: true,
      schedule: { kind: 'late', epoch: 5 },
    });
    assert.deepEqual(
      { ...full, origin: undefined },
      {
        variant: 'standard',
        rate: 0.25,
        scaling: 'inference-scale',
        // Keras convention in the IR: the batch axis first.
        noiseShape: [null, 4, 1, 1],
        mode: 'always',
        schedule: { kind: 'late', epoch: 5 },
        origin: undefined,
      },
    );
  });

  it('puts DropConnect on the dense layer as an inner dropout', () => {
    const layer = one([20], { type: 'dense', units: 7, dropconnect: 0.3 });
    assert.equal(layer.dropout, undefined);
    assert.deepEqual(
      layer.innerDropout?.map((d) => [d.variant, d.rate, d.origin.property]),
      [['dropconnect', 0.3, 'dropconnect']],
    );
  });

  it('normalises conv and pool attributes to [height, width] pairs', () => {
    const conv = one([1, 8, 8], { type: 'conv2d', filters: 2, kernelSize: 3 });
    assert.deepEqual(
      [conv.attributes.kernelSize, conv.attributes.strides, conv.attributes.padding],
      [[3, 3], [1, 1], 'valid'],
    );
    const pool = one([1, 8, 8], { type: 'maxpool2d' });
    assert.deepEqual(
      [pool.attributes.pool, pool.attributes.poolSize, pool.attributes.strides],
      ['max', [2, 2], [2, 2]],
    );
  });

  it('chains shapes through a small conv net', () => {
    const g = readNnJson(
      JSON.stringify({
        format: 'dropout-lens/nn',
        version: 1,
        input: { shape: [1, 8, 8] },
        layers: [
          { type: 'conv2d', filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' },
          { type: 'maxpool2d' },
          { type: 'flatten' },
          { type: 'dense', units: 10 },
        ],
      }),
    );
    assert.deepEqual(
      g.layers.map((l) => [l.outputShape, l.params]),
      [
        [[null, 1, 8, 8], 0],
        [[null, 8, 8, 8], 1 * 3 * 3 * 8 + 8],
        [[null, 8, 4, 4], 0],
        [[null, 8 * 4 * 4], 0],
        [[null, 10], 128 * 10 + 10],
      ],
    );
    assert.deepEqual(g.outputs[0]?.shape, [null, 10]);
  });
});
