// The graph executor on TensorFlow.js layers models: each fixture's prediction was made by
// @tensorflow/tfjs itself (test/fixtures/tfjs/generate.mjs) and stored in expected.json.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { GraphRunner } from '../../../src/core/engine/graph/run-graph';
import type { Tensor } from '../../../src/core/engine/tensor';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { readTfjsLayers } from '../../../src/core/formats/tfjs/layers-reader';
import { assertClose } from './close';

const ROOT = 'test/fixtures/tfjs';
// quantized stores weights only (no prediction); gaussian has LayerNormalization; rnn is asserted below.
const SUPPORTED = ['cnn', 'conv1d', 'functional', 'mlp', 'selu'];

async function load(name: string): Promise<GraphRunner> {
  const path = `${ROOT}/${name}/model.json`;
  const graph = readTfjsLayers(readFileSync(path, 'utf8'), path);
  return GraphRunner.load(graph, nodeModelSource(path));
}

describe('graph executor on TensorFlow.js layers models', () => {
  for (const name of SUPPORTED) {
    it(`${name}: reproduces tfjs's prediction`, async () => {
      const expected = JSON.parse(readFileSync(`${ROOT}/${name}/expected.json`, 'utf8'));
      const runner = await load(name);
      const input = runner.graph.inputs[0] as { name: string };
      const x: Tensor = { shape: expected.input.shape, data: Float32Array.from(expected.input.values) };
      const output = runner.graph.outputs[0] as { name: string };
      const got = runner.run({ [input.name]: x })[output.name] as Tensor;
      const want = { shape: expected.prediction.shape, data: Float32Array.from(expected.prediction.values) };
      assertClose(got, want, name, 0, 1e-5);
    });
  }

  it('names the layer it cannot run (LSTM)', async () => {
    await assert.rejects(load('rnn'), /unsupported op "(Embedding|LSTM)" at node/);
  });
});
