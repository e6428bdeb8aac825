// `dropout-lens mc` on integer arrays: token ids saved as int64 or int32 reach an int64 model input as
// the same ids (the same figures, and the probabilities of the exporter's eval file on those ids, as
// onnxruntime gives them); float data for it are refused naming the input and both dtypes; and integer
// data for a float input (the own engine's models) are read as the numbers they are.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDataStream } from '../../../src/core/data/open-stream';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { readOnnx } from '../../../src/core/formats/onnx/reader';
import { loadOrt } from '../../../src/core/runtimes/onnxruntime/load-ort';
import { openMcModel } from '../../../src/core/runtimes/open';
import { evalSoftmax } from '../runtimes/eval-reference';
import { writeNpy } from './npy-file';
import { run } from './run-cli';

const TOKENS = 'test/fixtures/architectures/gru_classifier_opset13_train.onnx';
const FLOAT_MODEL = 'test/fixtures/mc-onnx/mlp-dropout.onnx';

interface Report {
  data: string;
  n: number;
  engine: { name: string };
  meanEntropy: number;
  samples: { index: number; mean: number[] }[];
}

describe('dropout-lens mc on integer arrays', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'mc-integers-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('token ids as int64 and as int32 run an int64 input alike; as float32 they are refused', async () => {
    const ids = Array.from({ length: 3 * 20 }, (_, i) => (i * 37) % 1000);
    writeNpy(join(dir, 'ids64.npy'), [3, 20], BigInt64Array.from(ids, BigInt));
    writeNpy(join(dir, 'ids32.npy'), [3, 20], Int32Array.from(ids));
    writeNpy(join(dir, 'ids.npy'), [3, 20], Float32Array.from(ids));
    const args = ['--passes', '8', '--seed', '2', '--json'];
    const a = await run('mc', TOKENS, '--data', join(dir, 'ids64.npy'), ...args);
    const b = await run('mc', TOKENS, '--data', join(dir, 'ids32.npy'), ...args);
    assert.equal(a.code, 0, a.err);
    assert.equal(b.code, 0, b.err);
    const ra = JSON.parse(a.out) as Report;
    assert.equal(ra.n, 3);
    assert.equal(ra.engine.name, 'onnxruntime-node');
    assert.deepEqual({ ...(JSON.parse(b.out) as Report), data: '' }, { ...ra, data: '' });
    const f = await run('mc', TOKENS, '--data', join(dir, 'ids.npy'), ...args);
    assert.equal(f.code, 2);
    assert.match(
      f.err,
      /the input "input" takes int64 values \(token ids\), and .*ids\.npy holds float32: save them as integers \(numpy: x\.astype\(numpy\.int64\)\)/,
    );
  });

  it("the ids of the int64 and int32 files reach the model as the eval export's probabilities for them (1e-6)", async () => {
    const n = 3;
    const ids = Array.from({ length: n * 20 }, (_, i) => (i * 37) % 1000);
    writeNpy(join(dir, 'ids64.npy'), [n, 20], BigInt64Array.from(ids, BigInt));
    writeNpy(join(dir, 'ids32.npy'), [n, 20], Int32Array.from(ids));
    const ort = await loadOrt();
    const reference = await evalSoftmax(
      TOKENS.replace('_train.onnx', '_eval.onnx'),
      n,
      (i) => new ort.Tensor('int64', BigInt64Array.from(ids.slice(i * 20, (i + 1) * 20), BigInt), [1, 20]),
    );
    const source = nodeModelSource(TOKENS);
    const model = await openMcModel(readOnnx(source), source, { engine: 'onnxruntime' });
    try {
      for (const file of ['ids64.npy', 'ids32.npy']) {
        const stream = await openDataStream(join(dir, file), { inputShape: [20] });
        const rows: number[] = [];
        for await (const b of stream.batches(n)) rows.push(...b.x);
        const probs = await model.deterministic({ data: Float32Array.from(rows), shape: [n, 20] });
        assert.equal(probs.length, reference.length);
        reference.forEach((p, i) =>
          assert.ok(Math.abs(probs[i]! - p) < 1e-6, `${file} [${i}]: ${probs[i]} vs ${p}`),
        );
      }
    } finally {
      await model.dispose();
    }
  });

  it('uint8 data for a float input on the own engine: the figures of the same values as float32', async () => {
    const values = Array.from({ length: 16 * 6 }, (_, i) => (i * 7) % 5);
    writeNpy(join(dir, 'u8.npy'), [16, 6], Uint8Array.from(values));
    writeNpy(join(dir, 'f32.npy'), [16, 6], Float32Array.from(values));
    const args = ['--passes', '10', '--seed', '4', '--json'];
    const a = await run('mc', FLOAT_MODEL, '--data', join(dir, 'u8.npy'), ...args);
    const b = await run('mc', FLOAT_MODEL, '--data', join(dir, 'f32.npy'), ...args);
    assert.equal(a.code, 0, a.err);
    assert.equal(b.code, 0, b.err);
    const ra = JSON.parse(a.out) as Report;
    const rb = JSON.parse(b.out) as typeof ra;
    assert.equal(ra.engine.name, 'dropout-lens');
    assert.deepEqual({ ...ra, data: '' }, { ...rb, data: '' });
  });
});
