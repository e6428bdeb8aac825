import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findReader, openModel } from '../../../src/core/formats/detect';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { ModelFormatError } from '../../../src/core/formats/reader';
import { readTfjsLayers } from '../../../src/core/formats/tfjs/layers-reader';
import type { Graph, Layer } from '../../../src/core/model/ir';
import { paramCounts } from '../../../src/core/model/param-counts';

const FIXTURES = join('test', 'fixtures', 'tfjs');

/** What tfjs 4.22 reported for the fixture (written by test/fixtures/tfjs/generate.mjs). */
interface Expected {
  layers: {
    name: string;
    className: string;
    outputShape: (number | null)[];
    params: number;
    trainableParams: number;
  }[];
  totalParams: number;
  trainableParams: number;
}

function fixture(name: string): { graph: Graph; text: string; expected: Expected } {
  const path = join(FIXTURES, name, 'model.json');
  return {
    graph: openModel(nodeModelSource(path)),
    text: readFileSync(path, 'utf8'),
    expected: JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8')) as Expected,
  };
}

function layerNamed(graph: Graph, name: string): Layer {
  const layer = graph.layers.find((l) => l.name === name);
  assert.ok(layer, `no layer "${name}"`);
  return layer;
}

function slice(text: string, range: { offset: number; length: number } | undefined): string {
  assert.ok(range);
  return text.slice(range.offset, range.offset + range.length);
}

function replaceLast(text: string, from: string, to: string): string {
  const at = text.lastIndexOf(from);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

describe('TensorFlow.js layers-model reader', () => {
  for (const name of ['mlp', 'functional', 'cnn', 'conv1d', 'rnn', 'selu', 'gaussian', 'wrappers']) {
    it(`${name}: output shapes and parameter counts (all and trainable) equal what tfjs reports`, () => {
      const { graph, expected } = fixture(name);
      assert.equal(graph.format, 'tfjs-layers');
      for (const e of expected.layers) {
        const layer = layerNamed(graph, e.name);
        assert.equal(layer.originalOp, e.className);
        assert.deepEqual(layer.outputShape, e.outputShape, `${e.name} shape`);
        assert.equal(layer.params, e.params, `${e.name} params`);
        // Batch-norm moving statistics and the frozen conv2 of the cnn fixture are not trainable.
        assert.equal(layer.params - (layer.frozenParams ?? 0), e.trainableParams, `${e.name} trainable`);
      }
      assert.deepEqual(paramCounts(graph), {
        total: expected.totalParams,
        trainable: expected.trainableParams,
      });
      assert.equal(graph.layers[0]?.op, 'input');
      assert.equal(graph.outputs[0]?.layerId, expected.layers[expected.layers.length - 1]?.name);
    });
  }

  it('maps Keras classes to IR ops, fused activations included', () => {
    const { graph } = fixture('cnn');
    assert.deepEqual(
      graph.layers.map((l) => [l.op, l.activation]),
      [
        ['input', undefined],
        ['conv', 'relu'],
        ['batchnorm', undefined],
        ['dropout', undefined],
        ['pool', undefined],
        ['conv', undefined],
        ['pool', undefined],
        ['flatten', undefined],
        ['dropout', undefined],
        ['dense', 'softmax'],
      ],
    );
    const gaussian = fixture('gaussian').graph;
    assert.deepEqual(
      gaussian.layers.map((l) => l.op),
      [
        'input',
        'dense',
        'dropout',
        'gaussian-noise',
        'layernorm',
        'activation',
        'reshape',
        'flatten',
        'dense',
      ],
    );
    assert.equal(layerNamed(gaussian, 'act').activation, 'tanh');
  });

  it('wires Functional branches through Add and Concatenate', () => {
    const { graph } = fixture('functional');
    assert.deepEqual(layerNamed(graph, 'sum').inputs, ['branch_a_drop', 'branch_b']);
    assert.deepEqual(layerNamed(graph, 'joined').inputs, ['sum', 'features']);
    assert.deepEqual(
      [layerNamed(graph, 'sum').op, layerNamed(graph, 'joined').op, layerNamed(graph, 'probs').op],
      ['add', 'concat', 'softmax'],
    );
    assert.deepEqual(graph.inputs[0]?.shape, [null, 10]);
  });

  it('reads every dropout-family class with its rate and the exact range of the value', () => {
    const cases: [string, string, string, string, number, (number | null)[] | undefined][] = [
      ['mlp', 'drop1', 'dropout', 'standard', 0.5, undefined],
      ['mlp', 'drop2', 'dropout', 'standard', 0.25, [null, 12]],
      ['cnn', 'spatial_drop', 'dropout', 'standard', 0.2, [null, 1, 1, 6]],
      ['conv1d', 'spatial_drop', 'dropout', 'spatial', 0.3, undefined],
      ['selu', 'alpha1', 'dropout', 'alpha', 0.1, undefined],
      ['selu', 'alpha2', 'dropout', 'alpha', 0.05, undefined],
      ['gaussian', 'gdrop', 'dropout', 'gaussian', 0.3, undefined],
      ['gaussian', 'gnoise', 'gaussian-noise', 'gaussian-noise', 0.2, undefined],
    ];
    for (const [file, name, op, variant, rate, noiseShape] of cases) {
      const { graph, text } = fixture(file);
      const layer = layerNamed(graph, name);
      const key = op === 'gaussian-noise' ? 'stddev' : 'rate';
      assert.equal(layer.op, op, name);
      assert.deepEqual(
        [
          layer.dropout?.variant,
          key === 'stddev' ? layer.dropout?.stddev : layer.dropout?.rate,
          layer.dropout?.mode,
          layer.dropout?.scaling,
        ],
        [variant, rate, 'train-only', 'inverted'],
        name,
      );
      assert.deepEqual(layer.dropout?.noiseShape, noiseShape, name);
      assert.deepEqual(layer.dropout?.origin, {
        op: layer.originalOp,
        rateSource: 'property',
        property: key,
      });
      assert.equal(Number(slice(text, layer.source.properties?.[key])), rate);
      assert.match(slice(text, layer.source.range), new RegExp(`^\\{[^]*"name": "${name}"[^]*\\}$`));
    }
  });

  it('reads recurrent dropout as inner specs of the RNN layers', () => {
    const { graph, text } = fixture('rnn');
    const specs = (name: string) =>
      layerNamed(graph, name).innerDropout?.map((d) => [d.variant, d.rate, d.origin.property]);
    assert.deepEqual(specs('lstm'), [
      ['standard', 0.2, 'dropout'],
      ['variational', 0.3, 'recurrent_dropout'],
    ]);
    assert.deepEqual(specs('gru'), [
      ['standard', 0.1, 'dropout'],
      ['variational', 0.25, 'recurrent_dropout'],
    ]);
    assert.deepEqual(specs('simple'), [
      ['standard', 0.15, 'dropout'],
      ['variational', 0, 'recurrent_dropout'],
    ]);
    const lstm = layerNamed(graph, 'lstm');
    assert.equal(lstm.op, 'rnn');
    assert.equal(slice(text, lstm.source.properties?.recurrent_dropout), '0.3');
    assert.equal(layerNamed(graph, 'embed').op, 'embedding');
  });

  it('reads Bidirectional and TimeDistributed: the wrapped layer, its dropout, both directions’ weights', () => {
    const { graph, text } = fixture('wrappers');
    const bi = layerNamed(graph, 'bi_lstm');
    assert.equal(bi.op, 'rnn');
    assert.deepEqual(
      bi.innerDropout?.map((d) => [d.variant, d.rate, d.origin.property]),
      [
        ['standard', 0.2, 'dropout'],
        ['variational', 0.3, 'recurrent_dropout'],
      ],
    );
    // A quick fix on recurrent_dropout edits the wrapped LSTM's value.
    assert.equal(slice(text, bi.source.properties?.recurrent_dropout), '0.3');
    assert.equal(layerNamed(graph, 'per_step').op, 'dense');
    // The weights the file stores, by the manifest's shapes: every layer's count together.
    const manifest = graph.meta.weightsManifest as { weights: { shape: number[] }[] }[];
    const stored = manifest
      .flatMap((g) => g.weights)
      .reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
    assert.equal(paramCounts(graph).total, stored);
  });

  describe('configs tfjs itself does not write (hand-written, Keras conventions)', () => {
    const functional = (layers: unknown[], output: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        modelTopology: {
          class_name: 'Functional',
          config: { name: 'm', layers, input_layers: [['in', 0, 0]], output_layers: [[output, 0, 0]] },
          ...extra,
        },
      });
    const input = {
      name: 'in',
      class_name: 'InputLayer',
      config: { batch_shape: [null, 8, 8, 3] },
      inbound_nodes: [],
    };
    const kerasTensor = (layer: string) => ({
      class_name: '__keras_tensor__',
      config: { shape: [null, 8, 8, 3], dtype: 'float32', keras_history: [layer, 0, 0] },
    });

    it('Bidirectional merge modes and a backward layer of its own (Keras formulas)', () => {
      const lstm = (units: number) => ({ class_name: 'LSTM', config: { units, recurrent_dropout: 0 } });
      // Keras: LSTM 4·(u·(d + u) + u); GRU with reset_after 3·(u·(d + u) + 2u); d = 3 features.
      const lstmParams = (u: number) => 4 * (u * (3 + u) + u);
      const cases: [Record<string, unknown>, (number | null)[], number][] = [
        [{ layer: lstm(4) }, [null, 8], 2 * lstmParams(4)],
        [{ layer: lstm(4), merge_mode: 'sum' }, [null, 4], 2 * lstmParams(4)],
        [{ layer: lstm(4), merge_mode: 'mul' }, [null, 4], 2 * lstmParams(4)],
        [{ layer: lstm(4), merge_mode: 'ave' }, [null, 4], 2 * lstmParams(4)],
        [{ layer: lstm(4), merge_mode: null }, [null, 4], 2 * lstmParams(4)],
        [
          { layer: lstm(4), backward_layer: lstm(2), merge_mode: 'sum' },
          [null, 4],
          lstmParams(4) + lstmParams(2),
        ],
        [
          { layer: { class_name: 'GRU', config: { units: 5, reset_after: true, return_sequences: true } } },
          [null, 8, 10],
          2 * 3 * (5 * (3 + 5) + 2 * 5),
        ],
      ];
      for (const [config, shape, params] of cases) {
        const text = functional(
          [
            { ...input, config: { batch_shape: [null, 8, 3] } },
            {
              name: 'bi',
              class_name: 'Bidirectional',
              config: { name: 'bi', ...config },
              inbound_nodes: [[['in', 0, 0, {}]]],
            },
          ],
          'bi',
        );
        const layer = layerNamed(readTfjsLayers(text), 'bi');
        assert.deepEqual(layer.outputShape, shape, JSON.stringify(config));
        assert.equal(layer.params, params, JSON.stringify(config));
      }
    });

    it('TimeDistributed applies its layer to each timestep', () => {
      const text = functional(
        [
          { ...input, config: { batch_shape: [null, 6, 8, 8, 3] } },
          {
            name: 'td',
            class_name: 'TimeDistributed',
            config: { name: 'td', layer: { class_name: 'Conv2D', config: { filters: 4, kernel_size: 3 } } },
            inbound_nodes: [[['in', 0, 0, {}]]],
          },
        ],
        'td',
      );
      const layer = layerNamed(readTfjsLayers(text), 'td');
      assert.deepEqual(layer.outputShape, [null, 6, 6, 6, 4]);
      assert.equal(layer.params, 3 * 3 * 3 * 4 + 4);
      assert.equal(layer.op, 'conv');
    });

    it('Keras 3 args/keras_history inbound nodes, SpatialDropout2D and training=True (MC dropout)', () => {
      const text = functional(
        [
          input,
          {
            name: 'sd',
            class_name: 'SpatialDropout2D',
            config: { name: 'sd', rate: 0.4 },
            inbound_nodes: [{ args: [kerasTensor('in')], kwargs: { training: true } }],
          },
          {
            name: 'sd3',
            class_name: 'SpatialDropout3D',
            config: { name: 'sd3', rate: 0.1 },
            inbound_nodes: [{ args: [kerasTensor('sd')], kwargs: {} }],
          },
        ],
        'sd3',
      );
      const graph = readTfjsLayers(text);
      const sd = layerNamed(graph, 'sd');
      assert.deepEqual(sd.inputs, ['in']);
      assert.deepEqual([sd.dropout?.variant, sd.dropout?.rate, sd.dropout?.mode], ['spatial', 0.4, 'always']);
      assert.deepEqual(sd.outputShape, [null, 8, 8, 3]);
      assert.equal(layerNamed(graph, 'sd3').dropout?.mode, 'train-only');
    });

    it('Keras 2 call kwargs {"training": true} keep dropout on at inference', () => {
      const text = functional(
        [
          input,
          {
            name: 'd',
            class_name: 'Dropout',
            config: { rate: 0.5 },
            inbound_nodes: [[['in', 0, 0, { training: true }]]],
          },
        ],
        'd',
      );
      assert.equal(layerNamed(readTfjsLayers(text), 'd').dropout?.mode, 'always');
    });

    it('an older file: no "format", the Keras config under model_config, the layer list as config', () => {
      const text = JSON.stringify({
        modelTopology: {
          keras_version: '2.1.4',
          backend: 'tensorflow',
          model_config: {
            class_name: 'Sequential',
            config: [
              { class_name: 'Dense', config: { name: 'd1', units: 4, batch_input_shape: [null, 3] } },
              { class_name: 'Dropout', config: { name: 'do', rate: 0.3 } },
              { class_name: 'Mystery', config: { name: 'm' } },
            ],
          },
        },
      });
      const source = { path: 'model.json', bytes: new TextEncoder().encode(text) };
      assert.equal(findReader(source)?.format, 'tfjs-layers');
      const graph = openModel(source);
      assert.deepEqual(
        graph.layers.map((l) => [l.name, l.op, l.params]),
        [
          ['input', 'input', 0],
          ['d1', 'dense', 16],
          ['do', 'dropout', 0],
          ['m', 'unknown', 0],
        ],
      );
      assert.equal(graph.meta.kerasVersion, '2.1.4');
    });

    it('a non-numeric rate is NaN with the raw value kept for the linter', () => {
      const text = functional(
        [
          input,
          { name: 'd', class_name: 'Dropout', config: { rate: '0.5' }, inbound_nodes: [[['in', 0, 0, {}]]] },
        ],
        'd',
      );
      const spec = layerNamed(readTfjsLayers(text), 'd').dropout;
      assert.ok(Number.isNaN(spec?.rate));
      assert.equal(spec?.rawRate, '0.5');
    });
  });

  describe('bad input gives a located ModelFormatError', () => {
    const mlp = readFileSync(join(FIXTURES, 'mlp', 'model.json'), 'utf8');
    const cases: [string, string, RegExp, string?][] = [
      ['truncated JSON', mlp.slice(0, 400), /invalid JSON/],
      [
        'modelTopology of the wrong type',
        mlp
          .replace('"modelTopology": {', '"modelTopology": [{')
          .replace(/\}\s*,\s*"weightsManifest"/, '}],"weightsManifest"'),
        /"modelTopology" must be an object/,
      ],
      [
        'units as a string',
        mlp.replace('"units": 16', '"units": "16"'),
        /layer "hidden1" \(Dense\): "units" must be a positive integer/,
        '"16"',
      ],
      [
        'a class_name that is not a string',
        mlp.replace('"class_name": "Dropout"', '"class_name": 7'),
        /needs a "class_name" string/,
        '7',
      ],
      [
        'a weight with a bad dtype',
        replaceLast(mlp, '"dtype": "float32"', '"dtype": "complex64"'),
        /dtype "complex64"/,
        '"complex64"',
      ],
    ];
    for (const [what, text, message, at] of cases) {
      it(what, () => {
        assert.throws(
          () => readTfjsLayers(text),
          (e: unknown) => {
            assert.ok(e instanceof ModelFormatError, String(e));
            assert.equal(e.format, 'tfjs-layers');
            assert.match(e.message, message);
            assert.ok(e.location && 'offset' in e.location);
            if (at !== undefined) assert.equal(slice(text, e.location), at);
            return true;
          },
        );
      });
    }

    it('an inbound reference to a layer that is not in the model', () => {
      const text = readFileSync(join(FIXTURES, 'functional', 'model.json'), 'utf8').replace(
        /\[\s*"branch_b",/,
        '["branch_c",',
      );
      assert.throws(
        () => readTfjsLayers(text),
        /layer "sum" reads "branch_c" \(call 0\), which is not in the model/,
      );
    });
  });
});
