import * as assert from 'node:assert/strict';
import { runW4 } from '../../../bench/w4';
import { main } from '../../../src/cli/main';

describe('dropout-lens bench', () => {
  it('measures W4 on a model with the peer kit field names', async () => {
    const r = await runW4(['--model', 'test/fixtures/onnx-torch/cnn_opset13.onnx', '--reps', '1']);
    assert.equal(r.workload, 'w4');
    assert.equal(r.model, 'cnn_opset13.onnx');
    assert.equal(r.nodes, 7);
    assert.equal(r.initializers, 10);
    for (const field of [
      'first_read_ms',
      'first_decode_ms',
      'read_ms',
      'decode_ms',
      'total_ms',
      'peak_rss_mb',
    ]) {
      assert.equal(typeof r[field], 'number', field);
    }
  });

  it('prints one JSON line and exits 0; an unknown workload is a usage error', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
    const model = 'test/fixtures/onnx-torch/mlp_eval_opset13.onnx';
    assert.equal(await main(['bench', 'w4', '--model', model, '--reps', '1'], io), 0);
    assert.equal(out.length, 1);
    assert.equal(JSON.parse(out[0] as string).model, 'mlp_eval_opset13.onnx');
    assert.equal(await main(['bench', 'w4', '--model', 'test/fixtures/none.onnx'], io), 2);
    assert.match(err.join('\n'), /bench w4: no model at test\/fixtures\/none\.onnx/);
    assert.equal(await main(['bench', 'w9'], io), 2);
    assert.match(err.join('\n'), /bench: name a workload \(w1, w2, w3, w4\), not "w9"/);
  });
});
