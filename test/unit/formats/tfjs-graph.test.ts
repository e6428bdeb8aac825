import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findReader, openModel } from '../../../src/core/formats/detect';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { ModelFormatError } from '../../../src/core/formats/reader';
import { readTfjsGraph } from '../../../src/core/formats/tfjs/graph-reader';
import { loadTfjsWeights, type WeightsGroup } from '../../../src/core/formats/tfjs/weights';
import type { Graph, Layer } from '../../../src/core/model/ir';

const NSFWJS = join('test', 'fixtures', 'tfjs-graph-nsfwjs-mobilenet_v2_mid', 'model.json');
const DROPOUT = join('test', 'fixtures', 'tfjs-graph-dropout', 'model.json');

function layer(graph: Graph, id: string): Layer {
  const found = graph.layers.find((l) => l.id === id);
  assert.ok(found, `no layer "${id}"`);
  return found;
}

describe('TensorFlow.js graph-model reader', () => {
  it('opens the real nsfwjs MobileNetV2: one layer per node, no dropout', () => {
    const source = nodeModelSource(NSFWJS);
    assert.equal(findReader(source)?.format, 'tfjs-graph');
    const graph = openModel(source);
    assert.equal(graph.layers.length, 178);
    assert.equal(graph.layers.filter((l) => l.dropout || l.op === 'dropout').length, 0);
    const count = (op: string) => graph.layers.filter((l) => l.op === op).length;
    assert.deepEqual(
      [count('constant'), count('conv'), count('dense'), count('add'), count('input'), count('softmax')],
      [108, 35 + 17, 1, 10, 1, 1],
    );
    assert.deepEqual(graph.inputs[0]?.shape, [null, 224, 224, 3]);
    assert.equal(graph.outputs[0]?.layerId, 'Identity');
    const fc = layer(graph, 'StatefulPartitionedCall/sequential/dense/BiasAdd');
    assert.equal(fc.op, 'dense');
    assert.equal(fc.activation, undefined, 'BiasAdd alone is no activation');
    assert.equal(graph.meta.convertedBy, 'TensorFlow.js Converter v1.7.4r1');
  });

  it('counts the parameters of the nsfwjs weights manifest on the layers that use them', async () => {
    const source = nodeModelSource(NSFWJS);
    const graph = openModel(source);
    const manifest = graph.meta.weightsManifest as WeightsGroup[];
    const declared = manifest
      .flatMap((g) => g.weights)
      .reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
    // Every weight here feeds a conv or dense node (the Mul/Sub input normalisation uses two scalars).
    const owned = graph.layers.reduce((n, l) => n + l.params, 0);
    assert.ok(declared - owned <= 2 && owned > 2_000_000, `${owned} of ${declared}`);
    const tensors = await loadTfjsWeights(manifest, source, graph.format);
    assert.equal(tensors.size, manifest[0]?.weights.length);
    const w = manifest[0]!.weights[0]!;
    const values = tensors.get(w.name)!.values;
    const { scale, min } = w.quantization as { scale: number; min: number };
    // uint8 dequantization lands on the grid min + k * scale, inside [min, min + 255 * scale].
    for (const v of values.subarray(0, 50)) {
      const k = (v - min) / scale;
      assert.ok(Math.abs(k - Math.round(k)) < 1e-3 && k > -1e-3 && k < 255.001, String(k));
    }
  });

  it('collapses the tf.nn.dropout subgraph (TF 2) into one inference-active dropout layer', () => {
    const text = readFileSync(DROPOUT, 'utf8');
    const graph = readTfjsGraph(text);
    const d = layer(graph, 'dropout/Mul_1');
    assert.equal(d.op, 'dropout');
    assert.equal(d.name, 'dropout');
    assert.deepEqual(d.inputs, ['dense/Relu']);
    assert.deepEqual(
      [d.dropout?.variant, d.dropout?.rate, d.dropout?.mode, d.dropout?.origin.keepProbability],
      ['standard', 0.3, 'inference-active', undefined],
    );
    assert.deepEqual(d.dropout?.origin.subgraphNodes, [
      'dropout/Const',
      'dropout/Mul',
      'dropout/Shape',
      'dropout/random_uniform/RandomUniform',
      'dropout/GreaterEqual/y',
      'dropout/GreaterEqual',
      'dropout/Cast',
      'dropout/Mul_1',
    ]);
    assert.equal(d.dropout?.origin.op, 'RandomUniform → GreaterEqual → Cast → Mul');
    const r = d.source.properties?.rate;
    assert.ok(r);
    assert.equal(text.slice(r.offset, r.offset + r.length), '0.3');
    assert.equal(layer(graph, 'dense/Relu').activation, 'relu');
    assert.equal(layer(graph, 'dense/Relu').params, 4 * 3 + 3);
  });

  it('reads the TF 1 keep_prob form and converts the keep probability to a rate', () => {
    const graph = readTfjsGraph(readFileSync(DROPOUT, 'utf8'));
    const d = layer(graph, 'dropout_1/mul');
    assert.deepEqual(d.inputs, ['dropout/Mul_1']);
    assert.ok(Math.abs((d.dropout?.rate ?? 0) - 0.2) < 1e-12);
    assert.equal(d.dropout?.origin.keepProbability, true);
    assert.equal(d.dropout?.origin.subgraphNodes?.length, 12);
    // The ":0" suffix is an output index: Softmax reads the collapsed dropout.
    assert.deepEqual(layer(graph, 'probs').inputs, ['dropout_1/mul']);
    assert.deepEqual(
      graph.layers.map((l) => l.op),
      ['input', 'constant', 'constant', 'dense', 'dropout', 'dropout', 'softmax'],
    );
    assert.equal(graph.outputs[0]?.layerId, 'probs');
  });

  it('recognises the SelectV2 form newer TensorFlow writes', () => {
    const text = readFileSync(DROPOUT, 'utf8')
      .replace(
        '"name": "dropout/Cast", "op": "Cast", "input": ["dropout/GreaterEqual"]',
        '"name": "dropout/zeros", "op": "Const"',
      )
      .replace(
        '"name": "dropout/Mul_1", "op": "Mul", "input": ["dropout/Mul", "dropout/Cast", "^dense/Relu"]',
        '"name": "dropout/Mul_1", "op": "SelectV2", "input": ["dropout/GreaterEqual", "dropout/Mul", "dropout/zeros"]',
      );
    const d = layer(readTfjsGraph(text), 'dropout/Mul_1');
    assert.equal(d.dropout?.rate, 0.3);
    assert.equal(d.dropout?.origin.op, 'RandomUniform → GreaterEqual → SelectV2');
    assert.deepEqual(d.inputs, ['dense/Relu']);
  });

  describe('bad input gives a located ModelFormatError', () => {
    const text = readFileSync(DROPOUT, 'utf8');
    const cases: [string, string, RegExp][] = [
      ['truncated JSON', text.slice(0, 300), /invalid JSON/],
      [
        'a node list of the wrong type',
        text.replace('"node": [', '"node": {"x": [').replace(/\],\s*"versions"/, ']}, "versions"'),
        /"modelTopology.node" must be a list/,
      ],
      [
        'an op that is not a string',
        text.replace('"op": "Softmax"', '"op": 3'),
        /\("probs"\) needs an "op" string/,
      ],
      [
        'an input to a missing node',
        text.replace('["dropout_1/mul:0"]', '["nowhere:0"]'),
        /node "probs" reads "nowhere", which is not in the graph/,
      ],
    ];
    for (const [what, bad, message] of cases) {
      it(what, () => {
        assert.throws(
          () => readTfjsGraph(bad),
          (e: unknown) =>
            e instanceof ModelFormatError &&
            e.format === 'tfjs-graph' &&
            message.test(e.message) &&
            e.location !== undefined,
        );
      });
    }
  });

  it('the readers split model.json files between them by content', () => {
    const kind = (text: string) =>
      findReader({ path: 'model.json', bytes: new TextEncoder().encode(text) })?.format;
    assert.equal(kind('{"modelTopology": {"node": []}}'), 'tfjs-graph');
    assert.equal(kind('{"modelTopology": {"class_name": "Sequential"}}'), 'tfjs-layers');
    // tfjs's own save writes "format" after the topology.
    assert.equal(kind('{"modelTopology": {"node": []}, "format": "layers-model"}'), 'tfjs-layers');
    assert.equal(kind('{"modelTopology": {"class_name": "X"}, "format": "graph-model"}'), 'tfjs-graph');
    assert.equal(kind('{"name": "package", "version": "1.0.0"}'), undefined);
    assert.equal(kind('\u0008ONNX'), undefined);
  });
});
