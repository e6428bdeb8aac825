// `dropout-lens mc` on a model whose input has a free dimension: Keras's imdb_lstm (Embedding →
// LSTM → Dense) takes token sequences of any length ([null, null]); the .npy's shape gives the length,
// on TensorFlow.js, and the same ids give the same figures as the tfjs runtime opened with that length.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMcPasses } from '../../../src/core/engine/mc/mc';
import { kerasExample, openLayers } from '../runtimes/tfjs/support';
import { writeNpy } from './npy-file';
import { run } from './run-cli';

interface Report {
  n: number;
  engine: { name: string };
  samples: { index: number; mean: number[]; variance: number[] }[];
}

describe('dropout-lens mc on a model input of free length', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mc-free-'));
    // The model on disk as tensorflowjs_converter writes it: model.json and its shards.
    const example = kerasExample('imdb_lstm');
    mkdirSync(join(dir, 'imdb_lstm'));
    writeFileSync(join(dir, 'imdb_lstm', 'model.json'), JSON.stringify(example.json));
    example.json.weightsManifest.forEach((g) =>
      g.paths.forEach((p, i) =>
        writeFileSync(
          join(dir, 'imdb_lstm', p),
          i === 0 ? new Uint8Array(example.weights) : new Uint8Array(0),
        ),
      ),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the sequence length from the array and gives the runtime figures for that length', async () => {
    const n = 3;
    const length = 25;
    const ids = Float32Array.from({ length: n * length }, (_, i) => (i * 131) % 20000);
    writeNpy(join(dir, 'ids.npy'), [n, length], ids);
    const model = join(dir, 'imdb_lstm', 'model.json');
    const r = await run(
      'mc',
      model,
      '--data',
      join(dir, 'ids.npy'),
      '--passes',
      '6',
      '--seed',
      '5',
      '--json',
    );
    assert.equal(r.code, 0, r.err);
    const report = JSON.parse(r.out) as Report;
    assert.equal(report.n, n);
    assert.equal(report.engine.name, 'tfjs-wasm');
    const direct = await openLayers(kerasExample('imdb_lstm').source, { inputShape: [length] });
    try {
      const result = await runMcPasses(
        await direct.passes({ data: ids, shape: [n, length] }, { passes: 6, seed: 5 }),
        {
          passes: 6,
          seed: 5,
        },
      );
      for (const s of report.samples)
        s.mean.forEach((v, k) =>
          assert.ok(Math.abs(v - result.stats.mean[s.index * 2 + k]!) < 1e-6, `#${s.index}`),
        );
    } finally {
      await direct.dispose();
    }
    const images = await run('mc', model, '--data', dir);
    assert.equal(images.code, 2);
    assert.match(
      images.err,
      /the model's input \[\?\] has free dimensions; give its samples as an \.npy or \.npz array/,
    );
    const flags = await run('mc', model, '--data', join(dir, 'ids.npy'), '--size', '32');
    assert.equal(flags.code, 2);
    assert.match(flags.err, /are for image models; this input \[\?\] has free dimensions/);
  });
});
