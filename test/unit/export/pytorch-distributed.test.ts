// The exported PyTorch script under torchrun (2 processes, gloo on CPU): it trains the network the
// engine trains, from the same initial weights and on the same split, to the engine's validation accuracy
// (± 1 point), and its MC-dropout statistics on a trained weights file are the one-process run's.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadData } from '../../../src/core/data/load';
import { nodeDataSource } from '../../../src/core/data/node-data';
import { splitAndStandardize } from '../../../src/core/data/split';
import { run } from '../cli/run-cli';
import { PYTHON, hasTorch, maxNumberDiff, script, writeCsv } from './pytorch-run';

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

  /** moons-mc's trained weights (its sidecar) exported to a new folder, with its validation rows as moons.csv. */
  async function moonsMc(): Promise<{ work: string; n: number }> {
    const work = mkdtempSync(join(dir, 'moons-'));
    const exported = await run(
      'export',
      'samples/moons-mc.nn.json',
      '--format',
      'pytorch',
      '--out',
      join(work, 'model.py'),
    );
    assert.equal(exported.code, 0, exported.err);
    const { val } = splitAndStandardize(loadData('builtin:moons', nodeDataSource, 1), 0.2, 1, false);
    writeCsv(join(work, 'moons.csv'), val);
    return { work, n: val.n };
  }

  it('2 processes train digits-mlp to the engine’s validation accuracy ± 1 point', async () => {
    const model = 'samples/digits-mlp.nn.json';
    const work = mkdtempSync(join(dir, 'accuracy-'));
    // The untrained network: the initial weights the engine's run starts from, the inputs' standardisation.
    const exported = await run('export', model, '--format', 'pytorch', '--out', join(work, 'model.py'));
    assert.equal(exported.code, 0, exported.err);
    const engine = await run('train', model, '--json');
    assert.equal(engine.code, 0, engine.err);
    const summary = JSON.parse(engine.out.trim().split('\n').pop() as string) as {
      summary: { runs: { epochs: number; valAcc: number }[] };
    };
    const reference = summary.summary.runs[0] as { epochs: number; valAcc: number };
    // The engine's split (digits-mlp: 20 % held out, seed 1), unstandardised: the script standardises.
    const { train, val } = splitAndStandardize(loadData('builtin:digits', nodeDataSource), 0.2, 1, false);
    writeCsv(join(work, 'train.csv'), train);
    writeCsv(join(work, 'val.csv'), val);
    const pct = (v: number) => `${(100 * v).toFixed(2)} %`;
    for (const processes of [2, 1]) {
      const args = ['--train', 'train.csv', '--val', 'val.csv', '--checkpoint', `ck${processes}.pt`];
      const epochs = script(work, processes, args);
      assert.equal(epochs.length, reference.epochs, 'one line per epoch, from process 0 only');
      const last = epochs[epochs.length - 1] as { valAcc: number };
      console.log(
        `    val accuracy: ${processes} process(es) ${pct(last.valAcc)}, engine ${pct(reference.valAcc)}`,
      );
      assert.ok(Math.abs(last.valAcc - reference.valAcc) <= 0.01, `${last.valAcc} vs ${reference.valAcc}`);
      assert.ok(existsSync(join(work, `ck${processes}.pt`)), 'process 0 wrote the checkpoint');
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
    const { work, n } = await moonsMc();
    const args = ['--mc', '20', '--data', 'moons.csv', '--seed', '7'];
    const [one] = script(work, 1, args) as [Record<string, unknown>];
    const [two] = script(work, 2, args) as [Record<string, unknown>];
    assert.equal(one.processes, 1);
    assert.equal(two.processes, 2);
    const diff = maxNumberDiff({ ...one, processes: 0 }, { ...two, processes: 0 });
    console.log(`    MC statistics, 1 vs 2 processes: max |difference| ${diff.toExponential(2)}`);
    assert.ok(diff < 1e-6, `max |1 process − 2 processes| = ${diff}`);
    // The fields of dropout-lens mc --json, and masks that do differ between passes.
    for (const key of ['passes', 'n', 'accuracy', 'nll', 'ece', 'meanEntropy', 'meanMutualInfo', 'samples'])
      assert.ok(key in one, key);
    assert.equal(one.n, n);
    assert.ok((one.meanMutualInfo as number) > 0);
  });

  it('MC dropout gives the figures of dropout-lens mc within the Monte Carlo error', async () => {
    // Both sides take 200 passes with their own masks.
    const { work } = await moonsMc();
    const engine = await run('mc', 'samples/moons-mc.nn.json', '--json', '--passes', '200');
    assert.equal(engine.code, 0, engine.err);
    const expected = JSON.parse(engine.out) as Record<string, number>;
    const [actual] = script(work, 1, ['--mc', '200', '--data', 'moons.csv']) as [Record<string, number>];
    assert.equal(actual.n, expected.n);
    assert.ok(Math.abs((actual.accuracy as number) - (expected.accuracy as number)) <= 0.01, 'accuracy');
    for (const key of ['nll', 'meanEntropy', 'meanMutualInfo']) {
      const [a, e] = [actual[key] as number, expected[key] as number];
      assert.ok(Math.abs(a - e) <= 0.1 * e, `${key}: ${a} vs ${e}`);
    }
  });
});
