import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readNnJson } from '../../../src/core/formats/nnjson/reader';
import { buildFromGraph } from '../../../src/core/engine/build';
import { Network } from '../../../src/core/engine/network';
import type { Graph } from '../../../src/core/model/ir';

describe('building networks from the IR', () => {
  it('builds the digits MLP, leaving the final softmax to the loss', () => {
    const built = buildFromGraph(readNnJson(readFileSync('samples/digits-mlp.nn.json', 'utf8')));
    assert.deepEqual(built.inputShape, [64]);
    assert.deepEqual(
      built.specs.map((s) => s.type),
      ['dense', 'activation', 'dropout', 'dense', 'activation', 'dropout', 'dense'],
    );
    assert.equal(built.softmaxInLoss, true);
    const net = new Network(built.inputShape, built.specs);
    // Parameter count as the IR (and Keras) report it.
    assert.equal(
      net.params.reduce((n, p) => n + p.value.length, 0),
      64 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10,
    );
  });

  it('builds a conv net with batchnorm and pooling', () => {
    const g =
      readNnJson(`{"format": "dropout-lens/nn", "version": 1, "input": {"shape": [1, 8, 8]}, "layers": [
      {"type": "conv2d", "filters": 4, "kernelSize": 3, "padding": "same", "activation": "relu"},
      {"type": "batchnorm"}, {"type": "spatial-dropout", "rate": 0.1}, {"type": "maxpool2d"},
      {"type": "flatten"}, {"type": "dense", "units": 10}]}`);
    const net = new Network(buildFromGraph(g).inputShape, buildFromGraph(g).specs);
    assert.deepEqual(net.outputShape, [10]);
  });

  it('carries every dropout field a file states into the engine, or refuses it with the reason', () => {
    const nn = (layers: string) =>
      readNnJson(`{"format": "dropout-lens/nn", "version": 1, "input": {"shape": [1, 4, 4]}, "layers": [
        {"type": "flatten"}, ${layers}, {"type": "dense", "units": 2}]}`);
    const dropout = (layers: string) => buildFromGraph(nn(layers)).specs.filter((s) => s.type !== 'dense');
    assert.deepEqual(
      dropout(
        `{"type": "dropout", "rate": 0.2, "scaling": "inference-scale", "mcDropout": true,
          "schedule": {"kind": "late", "epoch": 3}}, {"type": "gaussian-noise", "stddev": 0.1}`,
      ).slice(1),
      [
        {
          type: 'dropout',
          name: 'layers[1] (dropout)',
          variant: 'standard',
          rate: 0.2,
          scaling: 'inference-scale',
          mode: 'always',
          schedule: { kind: 'late', epoch: 3 },
        },
        {
          type: 'dropout',
          name: 'layers[2] (gaussian-noise)',
          variant: 'gaussian-noise',
          rate: 0,
          stddev: 0.1,
          scaling: 'inverted',
          mode: 'train-only',
        },
      ],
    );
    const dense = buildFromGraph(nn('{"type": "dense", "units": 3, "dropconnect": 0.3}')).specs[1];
    assert.deepEqual(dense?.type === 'dense' && dense.dropConnect, 0.3);
    assert.throws(
      () => buildFromGraph(nn('{"type": "dropout", "rate": 0.2, "noiseShape": [1]}')),
      /noise shape \[\?, 1\], which the engine cannot train/,
    );
    const spatial = buildFromGraph(
      nn('{"type": "spatial-dropout", "rate": 0.2, "scaling": "inference-scale"}'),
    );
    assert.throws(
      () => new Network(spatial.inputShape, spatial.specs),
      /layers\[1\] \(spatial-dropout\): inference-scale scaling is defined for standard dropout only/,
    );
  });

  it('names the op and layer it cannot build', () => {
    const g = readNnJson(readFileSync('samples/digits-mlp.nn.json', 'utf8'));
    const bad: Graph = {
      ...g,
      layers: g.layers.map((l, i) =>
        i === 2 ? { ...l, op: 'attention', originalOp: 'MultiHeadAttention' } : l,
      ),
    };
    assert.throws(
      () => buildFromGraph(bad),
      /layer "layers\[1\] \(dropout\)": attention \(MultiHeadAttention\) is not supported/,
    );
  });
});
