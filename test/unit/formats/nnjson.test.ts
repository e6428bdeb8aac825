import * as assert from 'node:assert/strict';
import { readNnJson } from '../../../src/core/formats/nnjson/reader';
import { ModelFormatError } from '../../../src/core/formats/reader';

describe('.nn.json reader', () => {
  const text = `{
  "format": "dropout-lens/nn", "version": 1, "name": "mlp", "input": { "shape": [64] },
  "layers": [
    { "type": "dense", "units": 128, "activation": "relu" },
    { "type": "dropout", "rate": 0.5 },
    { "type": "dense", "units": 10, "activation": "softmax" }
  ]
}`;

  it('builds the IR with shapes and the parameter counts Keras reports', () => {
    const g = readNnJson(text);
    assert.equal(g.name, 'mlp');
    assert.deepEqual(
      g.layers.map((l) => [l.op, l.outputShape, l.params]),
      [
        ['input', [null, 64], 0],
        ['dense', [null, 128], 64 * 128 + 128],
        ['dropout', [null, 128], 0],
        ['dense', [null, 10], 128 * 10 + 10],
      ],
    );
    assert.deepEqual(g.layers[2]?.inputs, ['layers[0]']);
    assert.equal(g.outputs[0]?.layerId, 'layers[2]');
  });

  it('normalises dropout and keeps the exact range of each property', () => {
    const layer = readNnJson(text).layers[2]!;
    assert.deepEqual(
      {
        variant: layer.dropout?.variant,
        rate: layer.dropout?.rate,
        scaling: layer.dropout?.scaling,
        mode: layer.dropout?.mode,
      },
      { variant: 'standard', rate: 0.5, scaling: 'inverted', mode: 'train-only' },
    );
    const r = layer.source.properties!.rate!;
    assert.equal(text.slice(r.offset, r.offset + r.length), '0.5');
    const whole = layer.source.range!;
    assert.equal(text.slice(whole.offset, whole.offset + whole.length), '{ "type": "dropout", "rate": 0.5 }');
  });

  it('keeps a non-numeric rate as NaN with the raw value, for the linter to report', () => {
    const g = readNnJson(text.replace('"rate": 0.5', '"rate": "0.5"'));
    assert.ok(Number.isNaN(g.layers[2]?.dropout?.rate));
    assert.equal(g.layers[2]?.dropout?.rawRate, '0.5');
  });

  for (const [what, bad, message] of [
    ['truncated JSON', text.slice(0, 60), /invalid JSON/],
    ['a wrong format marker', text.replace('dropout-lens/nn', 'keras'), /format: must be "dropout-lens\/nn"/],
    [
      'an unknown layer type',
      text.replace('"dense", "units": 128', '"densse", "units": 128'),
      /layers\[0\]\.type: "densse" is not one of "dense", "conv2d"/,
    ],
    ['a missing units', text.replace('"units": 128, ', ''), /layers\[0\]: missing required property "units"/],
  ] as const) {
    it(`rejects ${what} with a located error`, () => {
      assert.throws(
        () => readNnJson(bad),
        (e: unknown) => e instanceof ModelFormatError && message.test(e.message) && e.location !== undefined,
      );
    });
  }
});
