import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './run-cli';
import type { InspectReport } from '../../../src/cli/inspect-command';

describe('dropout-lens inspect', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'inspect-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reports samples/digits-mlp.nn.json as JSON with Keras parameter counts', async () => {
    const { code, out, err } = await run('inspect', 'samples/digits-mlp.nn.json', '--format', 'json');
    assert.equal(code, 0);
    assert.equal(err, '');
    const report = JSON.parse(out) as InspectReport;
    // Dense 64→128, 128→64, 64→10: in * units + units each.
    const dense = [64 * 128 + 128, 128 * 64 + 64, 64 * 10 + 10];
    assert.deepEqual(
      { format: report.format, name: report.name, params: report.params },
      { format: 'nn-json', name: 'digits-mlp', params: dense[0]! + dense[1]! + dense[2]! },
    );
    assert.deepEqual(report.inputs, [{ name: 'input', shape: [null, 64], dtype: 'float32' }]);
    assert.deepEqual(report.outputs, [{ name: 'output', shape: [null, 10], dtype: 'float32' }]);
    assert.deepEqual(
      report.layers.map((l) => [l.op, l.outputShape, l.params, l.dropout?.rate]),
      [
        ['dense', [null, 128], dense[0], undefined],
        ['dropout', [null, 128], 0, 0.5],
        ['dense', [null, 64], dense[1], undefined],
        ['dropout', [null, 64], 0, 0.3],
        ['dense', [null, 10], dense[2], undefined],
      ],
    );
    assert.deepEqual(report.layers[1]?.dropout, {
      variant: 'standard',
      rate: 0.5,
      scaling: 'inverted',
      mode: 'train-only',
    });
  });

  it('prints a table with aligned parameter counts and the total', async () => {
    const { code, out } = await run('inspect', 'samples/digits-mlp.nn.json');
    assert.equal(code, 0);
    const lines = out.trimEnd().split('\n');
    assert.equal(lines[0], 'digits-mlp (nn-json)');
    assert.equal(lines[1], 'inputs:  input [?, 64]');
    assert.match(out, /^layer +op +output shape +params +dropout$/m);
    assert.match(out, /^layers\[0\] \(dense\) +dense +\[\?, 128\] +8,320$/m);
    assert.match(out, /^layers\[1\] \(dropout\) +dropout +\[\?, 128\] +0 +standard rate 0\.5$/m);
    assert.equal(lines[lines.length - 1], 'total params: 17,226 (trainable: 17,226)');
  });

  it('shows schedules, MC dropout, DropConnect and unreadable rates', async () => {
    const file = join(dir, 'noisy.nn.json');
    writeFileSync(
      file,
      JSON.stringify({
        format: 'dropout-lens/nn',
        version: 1,
        input: { shape: [4] },
        layers: [
          { type: 'dense', units: 3, dropconnect: 0.2 },
          { type: 'dropout', rate: 0.1, mcDropout: true, schedule: { kind: 'early', epoch: 5 } },
          { type: 'alpha-dropout', rate: 'high' },
        ],
      }),
    );
    const text = (await run('inspect', file)).out;
    assert.match(text, /dropconnect rate 0\.2$/m);
    assert.match(text, /standard rate 0\.1, always, early @ epoch 5$/m);
    assert.match(text, /alpha rate "high"$/m);
    const json = JSON.parse((await run('inspect', file, '--format=json')).out) as InspectReport;
    assert.deepEqual(json.layers[0]?.innerDropout, [
      { variant: 'dropconnect', rate: 0.2, scaling: 'inverted', mode: 'train-only', property: 'dropconnect' },
    ]);
    assert.deepEqual([json.layers[2]?.dropout?.rate, json.layers[2]?.dropout?.rawRate], [null, 'high']);
  });

  it("names an RNN's dropout for what it drops, one mask per sequence, and hides rate 0", async () => {
    const text = (await run('inspect', 'test/fixtures/tfjs/rnn/model.json')).out;
    assert.match(
      text,
      /^lstm .* input dropout 0\.2 \(one mask per sequence\); recurrent dropout 0\.3 \(one mask per sequence\)$/m,
    );
    // The SimpleRNN's recurrent_dropout is 0: no dropout there, so nothing is said.
    assert.match(text, /^simple .* input dropout 0\.15 \(one mask per sequence\)$/m);
    assert.doesNotMatch(text, /rate 0[;\s]|variational/);
    const json = JSON.parse(
      (await run('inspect', 'test/fixtures/tfjs/rnn/model.json', '--format=json')).out,
    ) as InspectReport;
    assert.deepEqual(
      json.layers
        .find((l) => l.name === 'lstm')
        ?.innerDropout?.map((d) => [d.property, d.label, d.note, d.rate]),
      [
        ['dropout', 'input dropout', 'one mask per sequence', 0.2],
        ['recurrent_dropout', 'recurrent dropout', 'one mask per sequence', 0.3],
      ],
    );
  });

  it('says when a parameter count may miss weights (a custom op reading integer tensors)', async () => {
    const file = 'test/fixtures/onnx-params/quantized_and_custom.onnx';
    const text = (await run('inspect', file)).out;
    assert.match(
      text,
      /^params may be incomplete: packed: com\.example:PackedLinear is a custom op reading integer tensors, which are not counted$/m,
    );
    const json = JSON.parse((await run('inspect', file, '--format=json')).out) as InspectReport;
    assert.equal(json.paramsIncomplete?.length, 1);
    const plain = JSON.parse(
      (await run('inspect', 'samples/digits-mlp.nn.json', '--format=json')).out,
    ) as InspectReport;
    assert.equal(plain.paramsIncomplete, undefined);
  });

  it('shows Gaussian noise as its σ, never as a rate', async () => {
    const file = join(dir, 'gaussian.nn.json');
    writeFileSync(
      file,
      JSON.stringify({
        format: 'dropout-lens/nn',
        version: 1,
        input: { shape: [4] },
        layers: [
          { type: 'gaussian-noise', stddev: 0.1 },
          { type: 'gaussian-noise', stddev: 'wide' },
        ],
      }),
    );
    const text = (await run('inspect', file)).out;
    assert.match(text, /gaussian-noise σ 0\.1$/m);
    assert.match(text, /gaussian-noise σ "wide"$/m);
    assert.doesNotMatch(text, /rate/);
    const json = JSON.parse((await run('inspect', file, '--format=json')).out) as InspectReport;
    assert.deepEqual(
      json.layers.map((l) => [l.dropout?.variant, l.dropout?.rate, l.dropout?.stddev, l.dropout?.rawStddev]),
      [
        ['gaussian-noise', 0, 0.1, undefined],
        ['gaussian-noise', 0, null, 'wide'],
      ],
    );
  });

  it('exits 2 with the place of the problem for a file it cannot read', async () => {
    const bad = join(dir, 'bad.nn.json');
    writeFileSync(
      bad,
      '{\n  "format": "dropout-lens/nn",\n  "version": 2,\n  "input": { "shape": [2] },\n  "layers": [{ "type": "flatten" }]\n}',
    );
    const broken = await run('inspect', bad);
    assert.equal(broken.code, 2);
    assert.equal(broken.out, '');
    // The file is named once, whether the reader's message names it (with the place, or over the size
    // limit) or the file system's does not.
    assert.equal(broken.err, `dropout-lens: cannot read ${bad}:3:14: version: must be 1, not 2\n`);
    const missing = await run('inspect', join(dir, 'missing.nn.json'));
    assert.equal(missing.code, 2);
    assert.ok(
      missing.err.startsWith(`dropout-lens: cannot read ${join(dir, 'missing.nn.json')}: ENOENT`),
      missing.err,
    );
    const large = await run('inspect', bad, '--max-file-size-mb', '0.00001');
    assert.equal(large.code, 2);
    assert.ok(large.err.startsWith(`dropout-lens: cannot read ${bad} is 0 MB (`), large.err);
  });

  it('exits 2 on usage errors', async () => {
    for (const argv of [
      ['inspect'],
      ['inspect', 'a', 'b'],
      ['inspect', 'a', '--format', 'xml'],
      ['inspect', '--nope', 'a'],
    ]) {
      const { code, err } = await run(...argv);
      assert.equal(code, 2, argv.join(' '));
      assert.match(err, /Run "dropout-lens --help" for usage/);
    }
  });
});
