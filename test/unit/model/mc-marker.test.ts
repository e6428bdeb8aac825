// Marking a model for MC inference in the file itself: ONNX metadata_props, TensorFlow.js
// userDefinedMetadata, .nn.json mcDropout. The marked file's dropout at inference is info, not an error.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { onnx } from 'onnx-proto';
import { lintSource } from '../../../src/core/lint/lint-source';
import { mcMarkOf } from '../../../src/core/model/mc-marker';
import type { Graph } from '../../../src/core/model/ir';

const ONNX = 'test/fixtures/onnx-torch/rules/active_opset13.onnx';
const TFJS_GRAPH = 'test/fixtures/tfjs-graph-dropout/model.json';
const TFJS_LAYERS = 'test/fixtures/tfjs/rules/rate_too_high/model.json';

/** The ONNX fixture with metadata_props entries added, as onnx.helper.set_model_props writes them. */
function onnxWith(props: Record<string, string>): Uint8Array {
  const model = onnx.ModelProto.decode(readFileSync(ONNX));
  model.metadataProps = Object.entries(props).map(([key, value]) =>
    onnx.StringStringEntryProto.create({ key, value }),
  );
  return onnx.ModelProto.encode(model).finish();
}

/** A model.json with `"userDefinedMetadata": …` added at the top. */
function jsonWith(path: string, metadata: unknown): string {
  const text = readFileSync(path, 'utf8');
  return text.replace('{', `{ "userDefinedMetadata": ${JSON.stringify(metadata)},`);
}

const severities = (path: string, bytes: Uint8Array, rule = 'dropout-active-at-inference') =>
  lintSource({ path, bytes })
    .findings.filter((f) => f.rule === rule)
    .map((f) => f.severity);

const graphOf = (path: string, bytes: Uint8Array) => lintSource({ path, bytes }).graph as Graph;

describe('MC model marker in the file', () => {
  it('ONNX: metadata_props dropout_lens.mc_dropout = true marks the model; its active Dropout is info', () => {
    assert.deepEqual(severities(ONNX, readFileSync(ONNX)), ['error']);
    const marked = onnxWith({ 'dropout_lens.mc_dropout': 'true' });
    assert.equal(mcMarkOf(graphOf(ONNX, marked)), 'metadata_props dropout_lens.mc_dropout');
    assert.deepEqual(severities(ONNX, marked), ['info']);
    assert.equal(
      mcMarkOf(graphOf(ONNX, onnxWith({ 'dropout_lens.mc_dropout': 'True ' }))),
      'metadata_props dropout_lens.mc_dropout',
    );
  });

  it('ONNX: does not mark for another value or another key', () => {
    for (const props of <Record<string, string>[]>[
      { 'dropout_lens.mc_dropout': 'false' },
      { 'dropout_lens.mc_dropout': '1' },
      { mc_dropout: 'true' },
    ]) {
      const bytes = onnxWith(props);
      assert.equal(mcMarkOf(graphOf(ONNX, bytes)), undefined, JSON.stringify(props));
      assert.deepEqual(severities(ONNX, bytes), ['error']);
    }
  });

  it('TensorFlow.js graph model: userDefinedMetadata marks it; its dropout subgraphs are info', () => {
    const plain = new TextEncoder().encode(readFileSync(TFJS_GRAPH, 'utf8'));
    assert.deepEqual(severities(TFJS_GRAPH, plain), ['error', 'error']);
    const marked = new TextEncoder().encode(jsonWith(TFJS_GRAPH, { 'dropout_lens.mc_dropout': true }));
    assert.equal(mcMarkOf(graphOf(TFJS_GRAPH, marked)), 'userDefinedMetadata dropout_lens.mc_dropout');
    assert.deepEqual(severities(TFJS_GRAPH, marked), ['info', 'info']);
    const other = new TextEncoder().encode(jsonWith(TFJS_GRAPH, { 'dropout_lens.mc_dropout': false }));
    assert.equal(mcMarkOf(graphOf(TFJS_GRAPH, other)), undefined);
  });

  it('TensorFlow.js layers model: userDefinedMetadata marks it', () => {
    const marked = new TextEncoder().encode(jsonWith(TFJS_LAYERS, { 'dropout_lens.mc_dropout': 'true' }));
    assert.equal(mcMarkOf(graphOf(TFJS_LAYERS, marked)), 'userDefinedMetadata dropout_lens.mc_dropout');
    assert.equal(mcMarkOf(graphOf(TFJS_LAYERS, readFileSync(TFJS_LAYERS))), undefined);
  });

  it('.nn.json: a dropout layer with "mcDropout": true marks the model', () => {
    const nn = (mc: boolean) =>
      new TextEncoder().encode(
        JSON.stringify({
          format: 'dropout-lens/nn',
          version: 1,
          input: { shape: [8] },
          layers: [
            { type: 'dense', units: 8, activation: 'relu' },
            { type: 'dropout', rate: 0.2, ...(mc ? { mcDropout: true } : {}) },
            { type: 'dense', units: 2, activation: 'softmax' },
          ],
        }),
      );
    assert.equal(mcMarkOf(graphOf('m.nn.json', nn(true))), '"mcDropout": true on a dropout layer');
    assert.equal(mcMarkOf(graphOf('m.nn.json', nn(false))), undefined);
  });
});
