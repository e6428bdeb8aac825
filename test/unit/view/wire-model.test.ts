// The model view's data: rows built from the IR and the findings, for every text format.
import * as assert from 'node:assert/strict';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { lintSource } from '../../../src/core/lint/lint-source';
import { isToModelView } from '../../../src/protocol/model-view';
import { toWireModel } from '../../../src/worker/wire-model';
import { chain, spec } from '../rules/ir-builder';

function viewOf(path: string) {
  const source = nodeModelSource(path);
  const result = lintSource(source);
  assert.ok(result.graph, result.error?.message);
  return {
    model: toWireModel(result.graph, result.findings, { name: 'm', size: source.bytes.length }),
    source,
  };
}

describe('model view data (toWireModel)', () => {
  it('gives digits-mlp a header and one row per layer with rate and keep = 1 − rate', () => {
    const { model, source } = viewOf('samples/digits-mlp.nn.json');
    assert.equal(model.format, 'nn-json');
    assert.equal(model.name, 'digits-mlp');
    assert.equal(model.fileSize, source.bytes.length);
    assert.equal(model.params, 64 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10);
    assert.deepEqual(model.inputs, [{ name: 'input', shape: '[?, 64]', dtype: 'float32' }]);
    const dropouts = model.rows.filter((r) => r.dropout.length > 0);
    assert.deepEqual(
      dropouts.map((r) => r.dropout.map((d) => [d.variant, d.rate, d.keep, d.scaling, d.mode])),
      [
        [['standard', 0.5, 0.5, 'inverted', 'train-only']],
        [['standard', 0.3, 0.7, 'inverted', 'train-only']],
      ],
    );
    assert.deepEqual(
      model.rows.map((r) => r.op),
      ['input', 'dense', 'dropout', 'dense', 'dropout', 'dense'],
    );
  });

  it('puts each finding on its layer row and keeps the layer text range for reveal', () => {
    const { model, source } = viewOf('samples/keep-prob-mistake.nn.json');
    const row = model.rows.find((r) => r.findings.some((f) => f.rule === 'keep-prob-confusion'));
    assert.ok(row);
    assert.equal(row.op, 'dropout');
    assert.equal(row.findings[0]?.severity, 'warning');
    assert.match(row.findings[0]?.message ?? '', /0\.9/);
    assert.ok(row.range);
    const text = new TextDecoder()
      .decode(source.bytes)
      .slice(row.range.offset, row.range.offset + row.range.length);
    assert.equal(text, '{ "type": "dropout", "rate": 0.9 }');
    assert.ok(
      model.rows.filter((r) => r !== row).every((r) => r.findings.length === 0),
      'no other row carries it',
    );
  });

  it("shows an RNN's inner dropout (dropout and recurrent_dropout) in its row", () => {
    const { model } = viewOf('samples/tfjs-rnn/model.json');
    assert.equal(model.format, 'tfjs-layers');
    assert.ok(model.meta.some(([k, v]) => k === 'generatedBy' && v.includes('tfjs-layers')));
    const lstm = model.rows.find((r) => r.name === 'lstm');
    assert.deepEqual(
      lstm?.dropout.map((d) => [d.property, d.variant, d.rate, d.keep, d.label, d.note]),
      [
        ['dropout', 'standard', 0.2, 0.8, 'input dropout', 'one mask per sequence'],
        ['recurrent_dropout', 'variational', 0.3, 0.7, 'recurrent dropout', 'one mask per sequence'],
      ],
    );
    assert.deepEqual(
      lstm?.findings.map((f) => f.rule),
      ['recurrent-dropout'],
    );
  });

  it('tells the header when a parameter count may miss weights, and passes its own validator', () => {
    const { model } = viewOf('test/fixtures/onnx-params/quantized_and_custom.onnx');
    assert.deepEqual(model.paramsIncomplete, [
      'packed: com.example:PackedLinear is a custom op reading integer tensors, which are not counted',
    ]);
    assert.ok(isToModelView({ type: 'model', uri: 'file:///m.onnx', version: 1, model }));
    assert.equal(viewOf('samples/tfjs-rnn/model.json').model.paramsIncomplete, undefined);
  });

  it("shows nothing for an RNN's dropout at rate 0", () => {
    const { model } = viewOf('test/fixtures/tfjs/rnn/model.json');
    // The SimpleRNN has dropout 0.15 and recurrent_dropout 0.
    assert.deepEqual(
      model.rows.find((r) => r.name === 'simple')?.dropout.map((d) => d.label),
      ['input dropout'],
    );
  });

  it('reads the 178-node graph model with edges between existing rows', () => {
    const { model } = viewOf('test/fixtures/tfjs-graph-nsfwjs-mobilenet_v2_mid/model.json');
    assert.equal(model.rows.length, 178);
    const ids = new Set(model.rows.map((r) => r.id));
    assert.ok(model.rows.some((r) => r.inputs.some((i) => ids.has(i))));
    assert.ok(model.meta.some(([k]) => k === 'convertedBy'));
    assert.ok(!model.meta.some(([k]) => k === 'weightsManifest'), 'bookkeeping stays out of the header');
  });

  it('gives ONNX-like layers (node index, no text) no range, and NaN rates as raw text', () => {
    const graph = chain(
      [
        { op: 'dense', params: 12 },
        { op: 'dropout', dropout: spec(Number.NaN, { rawRate: 'half', noiseShape: [null, 1] }) },
      ],
      'onnx',
      { producer: 'pytorch', opset: [{ domain: '', version: 13 }] },
    );
    const model = toWireModel(graph, [], { name: 'x.onnx', size: 10 });
    assert.deepEqual(model.meta, [
      ['producer', 'pytorch'],
      ['opset', '[{"domain":"","version":13}]'],
    ]);
    const dropout = model.rows[1];
    assert.equal(dropout?.range, undefined);
    assert.deepEqual(dropout?.dropout[0], {
      variant: 'standard',
      rate: null,
      keep: null,
      rawRate: 'half',
      scaling: 'inverted',
      mode: 'train-only',
      noiseShape: '[?, 1]',
    });
  });
});
