// `dropout-lens lint` and `inspect` on Keras files: the findings and parameter counts of the
// TensorFlow.js version of the same model (test/fixtures/architectures/truth.json, from tfjs itself).
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InspectReport } from '../../../src/cli/inspect-command';
import type { JsonFileReport } from '../../../src/cli/lint-report';
import { writeNpy } from './npy-file';
import { run } from './run-cli';

const truth = JSON.parse(readFileSync('test/fixtures/architectures/truth.json', 'utf8')) as Record<
  string,
  { tfjsCountParams: number }
>;

describe('dropout-lens on .keras and .h5 files', () => {
  it('lint: the rules and layers the TensorFlow.js model.json gets, Keras 3 names renumbered', async () => {
    const tfjs = await run(
      'lint',
      'test/fixtures/architectures/tfjs/mnist_cnn/model.json',
      '--format',
      'json',
    );
    const keras2 = await run('lint', 'test/fixtures/keras/mnist_cnn.h5', '--format', 'json');
    const keras3 = await run('lint', 'test/fixtures/keras/mnist_cnn.keras', '--format', 'json');
    const [t, h, k] = [tfjs, keras2, keras3].map((r) => (JSON.parse(r.out) as JsonFileReport[])[0]!);
    assert.deepEqual([h.format, k.format], ['keras-h5', 'keras']);
    const rules = (r: JsonFileReport) => r.findings.map((f) => [f.rule, f.severity]);
    assert.ok(t.findings.length > 0);
    assert.deepEqual(rules(h), rules(t));
    assert.deepEqual(rules(k), rules(t));
    assert.deepEqual(
      h.findings.map((f) => f.layer),
      t.findings.map((f) => f.layer),
    );
    // Keras 3 numbers from 0: the tfjs/Keras 2 file's dropout_1 is the .keras file's dropout.
    assert.deepEqual(
      k.findings.map((f) => f.layer),
      t.findings.map((f) => f.layer.replace(/_1$/, '').replace(/_(\d+)$/, (_, n) => `_${Number(n) - 1}`)),
    );
    assert.equal(keras3.code, tfjs.code);
  });

  it('inspect: layers and parameter counts as TensorFlow.js counts them', async () => {
    for (const file of ['imdb_bidirectional_lstm.keras', 'imdb_bidirectional_lstm.h5']) {
      const { code, out, err } = await run('inspect', `test/fixtures/keras/${file}`, '--format', 'json');
      assert.equal(code, 0, err);
      const report = JSON.parse(out) as InspectReport;
      assert.equal(report.params, truth['tfjs/imdb_bidirectional_lstm/model.json']!.tfjsCountParams);
      assert.deepEqual(
        report.layers.map((l) => l.op),
        ['embedding', 'rnn', 'dropout', 'dense'],
      );
    }
  });

  it('mc: a .keras and an .h5 of one model give the same figures from their own weights', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keras-mc-'));
    try {
      const data = join(dir, 'x.npy');
      writeNpy(
        data,
        [4, 1000],
        Float32Array.from({ length: 4000 }, (_, i) => ((i * 7919) % 1000) / 1000),
      );
      const runs = [];
      for (const file of ['reuters_mlp_selu.keras', 'reuters_mlp_selu.h5']) {
        const { code, out, err } = await run(
          'mc',
          `test/fixtures/keras/${file}`,
          '--data',
          data,
          '--passes',
          '8',
          '--seed',
          '3',
          '--json',
        );
        assert.equal(code, 0, err);
        runs.push(JSON.parse(out) as { n: number; engine: { name: string }; meanEntropy: number });
      }
      const [keras3, keras2] = runs;
      assert.equal(keras3!.n, 4);
      // Six AlphaDropout layers at 0.1 over a 46-class softmax: uncertain, but not uniform.
      assert.ok(keras3!.meanEntropy > 0 && keras3!.meanEntropy < Math.log(46), `${keras3!.meanEntropy}`);
      assert.deepEqual(keras3, keras2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a file no reader takes is unreadable (exit 2), and the message lists the Keras formats', async () => {
    const { code, out } = await run('lint', 'test/fixtures/keras/nested_wrappers.h5', 'README.md');
    assert.equal(code, 2);
    assert.match(
      out,
      /README\.md.*not a model file Dropout Lens can read \(ONNX, TensorFlow\.js model\.json, Keras \.keras or \.h5/,
    );
  });
});
