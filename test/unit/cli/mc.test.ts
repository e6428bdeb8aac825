// `dropout-lens mc`: the DESIGN.md JSON contract, weights from --weights and from the float32 sidecar
// giving the same run, --train, and the mc-no-stochastic-layer exit code. The numbers themselves are
// checked against NumPy and onnxruntime in test/unit/engine.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './run-cli';

const model = (extra: Record<string, unknown> = {}, dropout = 0.3) => ({
  format: 'dropout-lens/nn',
  version: 1,
  name: 'moons-mc',
  input: { shape: [2] },
  layers: [
    { type: 'dense', units: 16, activation: 'relu' },
    ...(dropout > 0 ? [{ type: 'dropout', rate: dropout }] : []),
    { type: 'dense', units: 2, activation: 'softmax' },
  ],
  training: { data: 'builtin:moons', validationSplit: 0.05, epochs: 3, batchSize: 32, seed: 2 },
  ...extra,
});

interface Report {
  passes: number;
  n: number;
  accuracy: number;
  nll: number;
  ece: number;
  meanEntropy: number;
  meanMutualInfo: number;
  engine: { name: string; threads: number };
  prefix: { once: number; total: number };
  labelled: boolean;
  samples: {
    index: number;
    pred: number;
    mean: number[];
    entropy: number;
    mutualInfo: number;
    variance: number[];
  }[];
}

describe('dropout-lens mc', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'mc-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reports the JSON contract with weights from --weights and the same from the sidecar', async () => {
    const path = join(dir, 'moons.nn.json');
    writeFileSync(path, JSON.stringify(model()));
    assert.equal((await run('train', path, '--out', join(dir, 'w.json'))).code, 0);
    const a = await run(
      'mc',
      path,
      '--weights',
      join(dir, 'w.json'),
      '--passes',
      '40',
      '--seed',
      '3',
      '--json',
    );
    assert.equal(a.code, 0, a.err);
    const report = JSON.parse(a.out) as Report;
    assert.deepEqual(Object.keys(report), [
      'passes',
      'n',
      'accuracy',
      'nll',
      'ece',
      'meanEntropy',
      'meanMutualInfo',
      'samples',
      'engine',
      'prefix',
      'labelled',
      'data',
    ]);
    assert.deepEqual(report.engine, { name: 'dropout-lens', threads: 1 });
    assert.deepEqual(report.prefix, { once: 2, total: 4 }, 'dense and its relu run once');
    assert.equal(report.labelled, true);
    assert.equal(report.passes, 40);
    assert.equal(report.n, 50);
    assert.equal(report.samples.length, 50);
    const s0 = report.samples[0]!;
    assert.deepEqual(Object.keys(s0), [
      'index',
      'label',
      'pred',
      'mean',
      'entropy',
      'mutualInfo',
      'variance',
    ]);
    assert.ok(Math.abs(s0.mean[0]! + s0.mean[1]! - 1) < 1e-6);
    const meanEntropy = report.samples.reduce((t, s) => t + s.entropy, 0) / report.n;
    assert.ok(Math.abs(meanEntropy - report.meanEntropy) < 1e-12);
    assert.ok(
      report.samples.some((s) => s.variance[0]! > 0),
      'the passes differ',
    );

    // The same weights as a float32 little-endian sidecar, parameters and buffers layer by layer.
    const named = (
      JSON.parse(readFileSync(join(dir, 'w.json'), 'utf8')) as {
        runs: { dropout: { weights: Record<string, number[]> } };
      }
    ).runs.dropout.weights;
    const flat = Float32Array.from(Object.values(named).flat());
    writeFileSync(join(dir, 'moons.weights.bin'), new Uint8Array(flat.buffer));
    const withSidecar = join(dir, 'sidecar.nn.json');
    writeFileSync(withSidecar, JSON.stringify(model({ weights: 'moons.weights.bin' })));
    const b = await run('mc', withSidecar, '--passes', '40', '--seed', '3', '--json');
    assert.equal(b.code, 0, b.err);
    assert.deepEqual(JSON.parse(b.out), report);
  });

  it('trains first with --train, and asks for weights without it', async () => {
    const path = join(dir, 'untrained.nn.json');
    writeFileSync(path, JSON.stringify(model()));
    const missing = await run('mc', path);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /no "weights" sidecar.*--weights FILE.*--train/);
    const trained = await run('mc', path, '--train', '--passes', '10');
    assert.equal(trained.code, 0, trained.err);
    assert.match(trained.out, /10 MC-dropout passes on 50 samples .*trained first, 3 epochs/);
    assert.match(trained.out, /most uncertain samples:\n {2}#\d+: label \d, predicted \d/);
  });

  it('exits 1 with mc-no-stochastic-layer for a model without dropout', async () => {
    const path = join(dir, 'plain.nn.json');
    writeFileSync(path, JSON.stringify(model({}, 0)));
    const r = await run('mc', path, '--train');
    assert.equal(r.code, 1);
    assert.match(r.err, /mc-no-stochastic-layer: the model has no dropout-family layer/);
  });

  it('exits 2 on bad options', async () => {
    assert.equal((await run('mc', 'samples/digits-mlp.nn.json', '--passes', '0')).code, 2);
    assert.equal((await run('mc', 'samples/digits-mlp.nn.json', '--masks', 'odd')).code, 2);
  });
});
