// Both ends of the model view validate what they receive.
import * as assert from 'node:assert/strict';
import { isFromModelView, isToModelView, MAX_EXPORT_CHARS } from '../../../src/protocol/model-view';
import { toWireModel } from '../../../src/worker/wire-model';
import { weightStats } from '../../../src/core/model/weight-stats';
import { chain, spec } from '../rules/ir-builder';

describe('model view messages', () => {
  it("accepts the webview's messages and nothing else", () => {
    assert.ok(isFromModelView({ type: 'ready' }));
    assert.ok(isFromModelView({ type: 'reveal', layerId: 'dense_1' }));
    assert.ok(isFromModelView({ type: 'weights', layerId: 'dense_1' }));
    assert.ok(isFromModelView({ type: 'selected', layerId: 'dense_1' }));
    assert.ok(isFromModelView({ type: 'export', kind: 'csv', content: 'a,b\r\n' }));
    for (const bad of [
      null,
      'ready',
      {},
      { type: 'reveal' },
      { type: 'reveal', layerId: 3 },
      { type: 'weights' },
      { type: 'selected' },
      { type: 'export', kind: 'exe', content: '' },
      { type: 'export', kind: 'svg' },
      { type: 'export', kind: 'svg', content: 'x'.repeat(MAX_EXPORT_CHARS + 1) },
      { type: 'writeFile', path: '/etc/passwd' },
    ]) {
      assert.equal(isFromModelView(bad), false, JSON.stringify(bad)?.slice(0, 80));
    }
  });

  it("accepts the extension's messages, a real model included, and rejects malformed ones", () => {
    const model = toWireModel(chain([{ op: 'dense' }, { op: 'dropout', dropout: spec(0.5) }]), [], {
      name: 'x.onnx',
      size: 1,
    });
    assert.ok(isToModelView({ type: 'model', uri: 'file:///x.onnx', version: 1, model }));
    assert.equal(isToModelView({ type: 'model', uri: 'file:///x.onnx', model }), false, 'no version');
    assert.equal(isToModelView({ type: 'model', uri: 'file:///x.onnx', version: 1.5, model }), false);
    // The graph's layout must fit the rows.
    assert.equal(
      isToModelView({ type: 'model', uri: 'u', version: 1, model: { ...model, rows: model.rows.slice(1) } }),
      false,
    );
    assert.ok(isToModelView({ type: 'error', uri: 'file:///x.onnx', fileName: 'x.onnx', message: 'no' }));
    assert.ok(isToModelView({ type: 'saved', path: '/tmp/x.csv' }));
    const stats = weightStats('dense_1.weight', [2, 2], [1, 2, 3, 4]);
    assert.ok(isToModelView({ type: 'weights', layerId: 'dense_1', tensors: [stats] }));
    assert.ok(isToModelView({ type: 'weights', layerId: 'dense_1', error: 'no shard' }));
    assert.equal(isToModelView({ type: 'weights', layerId: 'dense_1' }), false);
    assert.equal(
      isToModelView({ type: 'weights', layerId: 'd', tensors: [{ ...stats, histogram: ['x'] }] }),
      false,
    );
    assert.equal(
      isToModelView({ type: 'model', uri: 'u', version: 1, model: { ...model, rows: [{ id: 1 }] } }),
      false,
    );
    assert.equal(isToModelView({ type: 'model', model }), false);
    assert.equal(isToModelView({ type: 'error', uri: 'u' }), false);
    assert.equal(isToModelView({ type: 'nope' }), false);
  });
});
