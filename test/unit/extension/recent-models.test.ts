import * as assert from 'node:assert/strict';
import { RecentModels } from '../../../src/extension/recent-models';

const onnx = (m: string) => m.endsWith('.onnx');
const any = () => true;

describe('RecentModels', () => {
  it('chooses the active model when the command takes it', () => {
    const recent = new RecentModels<string>((m) => m);
    recent.use('a.nn.json');
    assert.equal(recent.choose('b.nn.json', any), 'b.nn.json');
  });

  it('otherwise chooses the latest used model the command takes', () => {
    const recent = new RecentModels<string>((m) => m);
    recent.use('a.onnx');
    recent.use('b.nn.json');
    recent.use('c.onnx');
    recent.use('d.nn.json');
    assert.equal(recent.choose(undefined, onnx), 'c.onnx');
    assert.equal(recent.choose('d.nn.json', onnx), 'c.onnx');
    assert.equal(recent.choose(undefined, any), 'd.nn.json');
  });

  it('moves a model used again to the front, once', () => {
    const recent = new RecentModels<string>((m) => m);
    recent.use('a.onnx');
    recent.use('b.onnx');
    recent.use('a.onnx');
    assert.equal(recent.choose(undefined, onnx), 'a.onnx');
    recent.forget('a.onnx');
    assert.equal(recent.choose(undefined, onnx), 'b.onnx');
    recent.forget('b.onnx');
    assert.equal(recent.choose(undefined, onnx), undefined);
  });

  it('compares models by key', () => {
    const recent = new RecentModels<{ path: string }>((m) => m.path);
    recent.use({ path: 'a.onnx' });
    recent.use({ path: 'b.onnx' });
    recent.use({ path: 'a.onnx' });
    recent.forget({ path: 'b.onnx' });
    assert.deepEqual(
      recent.choose(undefined, () => true),
      { path: 'a.onnx' },
    );
    recent.forget({ path: 'a.onnx' });
    assert.equal(
      recent.choose(undefined, () => true),
      undefined,
    );
  });

  it('keeps the latest 20 models', () => {
    const recent = new RecentModels<string>((m) => m);
    for (let i = 0; i < 25; i++) recent.use(`m${i}.onnx`);
    assert.equal(
      recent.choose(undefined, (m) => m === 'm5.onnx'),
      'm5.onnx',
    );
    assert.equal(
      recent.choose(undefined, (m) => m === 'm4.onnx'),
      undefined,
    );
  });
});
