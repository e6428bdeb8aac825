// The exported PyTorch script under torchrun (2 processes, gloo on CPU): it trains the network the
// engine trains, from the same initial weights and on the same split, to the engine's validation accuracy
// (± 1 point), and its MC-dropout statistics on a trained weights file are the one-process run's.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Dataset } from '../../../src/core/data/dataset';
import { loadData } from '../../../src/core/data/load';
import { nodeDataSource } from '../../../src/core/data/node-data';
import { splitAndStandardize } from '../../../src/core/data/split';
import { Network } from '../../../src/core/engine/network';
import { writePytorch } from '../../../src/core/export/pytorch-script';
import type { LayerSpec } from '../../../src/core/model/network-spec';
import { Rng } from '../../../src/core/random/rng';
import { run } from '../cli/run-cli';
import { MIXED_LAYERS, MIXED_STANDARDIZATION } from './export-networks';

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
// torch.distributed.run's main, fixed for Debian's PyTorch 1.13 on Python 3.11 (see the file).
const TORCHRUN = resolve('test/support/torchrun.py');

function writeCsv(path: string, data: Dataset): void {
  const d = data.x.length / data.n;
  const header = [...Array.from({ length: d }, (_, j) => `f${j}`), 'label'].join(',');
  const rows = Array.from({ length: data.n }, (_, r) =>
    [...data.x.subarray(r * d, (r + 1) * d), data.y[r]].join(','),
  );
  writeFileSync(path, [header, ...rows].join('\n') + '\n');
}

/** Runs the script with `args`, on one process or `processes` under torchrun; the JSON lines it printed. */
function script(
  dir: string,
  processes: number,
  args: string[],
  file = 'model.py',
): Record<string, unknown>[] {
  const command =
    processes === 1 ? [file, ...args] : [TORCHRUN, '--nproc_per_node', String(processes), file, ...args];
  const r = spawnSync(PYTHON, command, { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Largest difference between two JSON values' numbers, asserting that everything else is equal. */
function maxNumberDiff(a: unknown, b: unknown, path = '$'): number {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b);
  if (Array.isArray(a) && Array.isArray(b)) {
    assert.equal(a.length, b.length, path);
    return a.reduce((m: number, v, i) => Math.max(m, maxNumberDiff(v, b[i], `${path}[${i}]`)), 0);
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort(), path);
    return Object.entries(a).reduce(
      (m: number, [k, v]) => Math.max(m, maxNumberDiff(v, (b as Record<string, unknown>)[k], `${path}.${k}`)),
      0,
    );
  }
  assert.deepEqual(a, b, path);
  return 0;
}

describe('PyTorch export under torchrun (PyTorch as the reference)', function () {
  this.timeout(120000);
  let dir: string;
  before(function () {
    if (!hasTorch) {
      if (process.env.CI) assert.fail(`"${PYTHON} -c 'import torch'" fails: PyTorch is not installed`);
      console.log(`    skipped: "${PYTHON} -c 'import torch'" fails, so there is no PyTorch to run`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'dl-torchrun-'));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('2 processes train digits-mlp to the engine’s validation accuracy ± 1 point', async () => {
    const model = 'samples/digits-mlp.nn.json';
    // The untrained network: the initial weights the engine's run starts from, the inputs' standardisation.
    const exported = await run('export', model, '--format', 'pytorch', '--out', join(dir, 'model.py'));
    assert.equal(exported.code, 0, exported.err);
    const engine = await run('train', model, '--json');
    assert.equal(engine.code, 0, engine.err);
    const summary = JSON.parse(engine.out.trim().split('\n').pop() as string) as {
      summary: { runs: { epochs: number; valAcc: number }[] };
    };
    const reference = summary.summary.runs[0] as { epochs: number; valAcc: number };
    // The engine's split (digits-mlp: 20 % held out, seed 1), unstandardised: the script standardises.
    const { train, val } = splitAndStandardize(loadData('builtin:digits', nodeDataSource), 0.2, 1, false);
    writeCsv(join(dir, 'train.csv'), train);
    writeCsv(join(dir, 'val.csv'), val);
    const pct = (v: number) => `${(100 * v).toFixed(2)} %`;
    for (const processes of [2, 1]) {
      const args = ['--train', 'train.csv', '--val', 'val.csv', '--checkpoint', `ck${processes}.pt`];
      const epochs = script(dir, processes, args);
      assert.equal(epochs.length, reference.epochs, 'one line per epoch, from process 0 only');
      const last = epochs[epochs.length - 1] as { valAcc: number };
      console.log(
        `    val accuracy: ${processes} process(es) ${pct(last.valAcc)}, engine ${pct(reference.valAcc)}`,
      );
      assert.ok(Math.abs(last.valAcc - reference.valAcc) <= 0.01, `${last.valAcc} vs ${reference.valAcc}`);
      assert.ok(existsSync(join(dir, `ck${processes}.pt`)), 'process 0 wrote the checkpoint');
    }
  });

  for (const [model, epochs] of [
    ['digits-mlp', 3],
    ['digits-cnn', 2],
  ] as const)
    it(`without dropout, 2 processes take ${model}'s one-process steps (losses within 1e-5)`, async () => {
      // Dropout masks differ per process by design; without them, a step over the global batch split in
      // two (batch norm over both halves) is the one-process step, so every epoch's losses agree.
      const spec = JSON.parse(readFileSync(`samples/${model}.nn.json`, 'utf8')) as {
        layers: { type: string }[];
      };
      spec.layers = spec.layers.filter((l) => !l.type.includes('dropout'));
      const work = mkdtempSync(join(dir, 'parity-'));
      writeFileSync(join(work, 'plain.nn.json'), JSON.stringify(spec));
      const exported = await run(
        'export',
        join(work, 'plain.nn.json'),
        '--format',
        'pytorch',
        '--out',
        join(work, 'model.py'),
      );
      assert.equal(exported.code, 0, exported.err);
      const { train, val } = splitAndStandardize(loadData('builtin:digits', nodeDataSource), 0.2, 1, false);
      writeCsv(join(work, 'train.csv'), train);
      writeCsv(join(work, 'val.csv'), val);
      const args = ['--train', 'train.csv', '--val', 'val.csv', '--epochs', String(epochs)];
      const [one, two] = [script(work, 1, args), script(work, 2, args)];
      assert.equal(one.length, epochs);
      const diff = maxNumberDiff(one, two);
      console.log(
        `    ${model} without dropout, per-epoch losses, 1 vs 2 processes: max |difference| ${diff.toExponential(2)}`,
      );
      assert.ok(diff < 1e-5, `max |1 process − 2 processes| = ${diff}`);
    });

  it('MC dropout on 2 processes gives the 1-process statistics', async () => {
    // moons-mc's trained weights (its sidecar), on its validation rows.
    const exported = await run(
      'export',
      'samples/moons-mc.nn.json',
      '--format',
      'pytorch',
      '--out',
      join(dir, 'model.py'),
    );
    assert.equal(exported.code, 0, exported.err);
    const data = loadData('builtin:moons', nodeDataSource, 1);
    writeCsv(join(dir, 'moons.csv'), splitAndStandardize(data, 0.2, 1, false).val);
    const args = ['--mc', '20', '--data', 'moons.csv', '--seed', '7'];
    const [one] = script(dir, 1, args) as [Record<string, unknown>];
    const [two] = script(dir, 2, args) as [Record<string, unknown>];
    assert.equal(one.processes, 1);
    assert.equal(two.processes, 2);
    const diff = maxNumberDiff({ ...one, processes: 0 }, { ...two, processes: 0 });
    console.log(`    MC statistics, 1 vs 2 processes: max |difference| ${diff.toExponential(2)}`);
    assert.ok(diff < 1e-6, `max |1 process − 2 processes| = ${diff}`);
    // The fields of dropout-lens mc --json, and masks that do differ between passes.
    for (const key of ['passes', 'n', 'accuracy', 'nll', 'ece', 'meanEntropy', 'meanMutualInfo', 'samples'])
      assert.ok(key in one, key);
    assert.equal(one.n, splitAndStandardize(data, 0.2, 1, false).val.n);
    assert.ok((one.meanMutualInfo as number) > 0);
  });

  it('every dropout variant, DropConnect and a schedule train and run MC dropout', () => {
    const layers: LayerSpec[] = MIXED_LAYERS.map((l) =>
      l.name === 'd1'
        ? { ...l, schedule: { kind: 'early', epoch: 1 } }
        : l.name === 'b'
          ? { ...l, dropConnect: 0.2 }
          : l,
    );
    const net = new Network([64], layers);
    net.init(new Rng(3));
    const options = { name: 'mixed', softmax: true, standardization: MIXED_STANDARDIZATION };
    writeFileSync(join(dir, 'mixed.py'), writePytorch(net.record(), options));
    const { train, val } = splitAndStandardize(loadData('builtin:digits', nodeDataSource), 0.2, 1, false);
    writeCsv(join(dir, 'train.csv'), train);
    writeCsv(join(dir, 'val.csv'), val);
    const args = [
      '--train',
      'train.csv',
      '--val',
      'val.csv',
      '--epochs',
      '2',
      '--mc',
      '3',
      '--data',
      'val.csv',
    ];
    const lines = script(dir, 1, args, 'mixed.py');
    assert.equal(lines.length, 3);
    assert.ok(lines.slice(0, 2).every((e) => Number.isFinite(e.trainLoss) && Number.isFinite(e.valLoss)));
    assert.ok((lines[2]?.meanMutualInfo as number) > 0);
  });

  it('MC dropout gives the figures of dropout-lens mc within the Monte Carlo error', async () => {
    // model.py and moons.csv are the previous test's; both sides take 200 passes with their own masks.
    const engine = await run('mc', 'samples/moons-mc.nn.json', '--json', '--passes', '200');
    assert.equal(engine.code, 0, engine.err);
    const expected = JSON.parse(engine.out) as Record<string, number>;
    const [actual] = script(dir, 1, ['--mc', '200', '--data', 'moons.csv']) as [Record<string, number>];
    assert.equal(actual.n, expected.n);
    assert.ok(Math.abs((actual.accuracy as number) - (expected.accuracy as number)) <= 0.01, 'accuracy');
    for (const key of ['nll', 'meanEntropy', 'meanMutualInfo']) {
      const [a, e] = [actual[key] as number, expected[key] as number];
      assert.ok(Math.abs(a - e) <= 0.1 * e, `${key}: ${a} vs ${e}`);
    }
  });
});
