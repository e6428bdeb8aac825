// The exported PyTorch script refuses what the product's own loaders refuse (src/core/data/csv.ts,
// arrays/array-stream.ts), a bad --epochs or --mc, and a --weights file that is not this network's
// checkpoint: exit code 2 and one line naming the file and the problem, never a Python traceback.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Network } from '../../../src/core/engine/network';
import { writePytorch } from '../../../src/core/export/pytorch-script';
import { Rng } from '../../../src/core/random/rng';
import { run } from '../cli/run-cli';
import { PYTHON, TORCHRUN, hasTorch } from './pytorch-run';

describe('PyTorch export: clear errors for bad options, data and weights', function () {
  this.timeout(120000);
  let dir: string;
  const script = (file: string, ...args: string[]) =>
    spawnSync(PYTHON, [file, ...args], { cwd: dir, encoding: 'utf8' });
  const refuses = (args: string[], message: RegExp, file = 'moons-mc.py') => {
    const r = script(file, ...args);
    assert.notEqual(r.status, 0, `${args.join(' ')}: exit code ${r.status}`);
    assert.doesNotMatch(r.stderr, /Traceback/, r.stderr);
    assert.match(r.stderr, message);
  };

  before(async function () {
    if (!hasTorch) {
      if (process.env.CI) assert.fail(`"${PYTHON} -c 'import torch'" fails: PyTorch is not installed`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'dl-pytorch-errors-'));
    for (const model of ['moons-mc', 'digits-mlp', 'digits-cnn']) {
      const r = await run(
        'export',
        `samples/${model}.nn.json`,
        '--format',
        'pytorch',
        '--out',
        join(dir, `${model}.py`),
      );
      assert.equal(r.code, 0, r.err);
    }
    const files: Record<string, string> = {
      'ok.csv': 'x,y,label\n0.5,0.2,0\n1.5,-0.3,1\n-0.7,0.8,0\n0.1,0.9,1\n',
      'empty.csv': '',
      'header.csv': 'x,y,label\n',
      'short.csv': ' x , y ,label\n0.5,0.2,0\n1.5,-0.3\n',
      'text.csv': 'x,y,label\n0.5,abc,0\n',
      'fraction.csv': 'x,y,label\n0.5,0.2,1.5\n',
      'range.csv': 'x,y,label\n0.5,0.2,3\n',
      'nolabel.csv': 'x,y,z\n0.5,0.2,1\n',
      'weights.json': '{"format": "dropout-lens/weights"}\n',
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('refuses --epochs 0 or below and --mc 0 as argparse errors', () => {
    refuses(['--train', 'ok.csv', '--epochs', '0'], /--epochs: 0: must be 1 or more/);
    refuses(['--train', 'ok.csv', '--epochs', '-3'], /--epochs: -3: must be 1 or more/);
    refuses(['--mc', '0', '--data', 'ok.csv'], /--mc: 0: must be 1 or more/);
  });

  it('names the file, line and column of bad CSV data', () => {
    refuses(['--train', 'missing.csv'], /missing\.csv: no such file or folder/);
    refuses(['--train', 'empty.csv'], /empty\.csv:1: the first line must be a header row/);
    refuses(['--train', 'header.csv'], /header\.csv:2: no data rows after the header/);
    refuses(['--train', 'short.csv'], /short\.csv:3: 2 columns, the header has 3/);
    refuses(['--mc', '2', '--data', 'text.csv'], /text\.csv:2:2: column 'y' holds 'abc', not a number/);
    refuses(['--train', 'fraction.csv'], /fraction\.csv:2:3: label 1\.5 is not a class index/);
    refuses(
      ['--train', 'range.csv'],
      /range\.csv: label 3 of sample 0 is not one of the network's 2 classes/,
    );
    refuses(['--train', 'nolabel.csv'], /nolabel\.csv: 3 columns and no 'label' column/);
  });

  it('refuses .npy samples and labels the product refuses, with no silent reshape', () => {
    const numpy = (code: string) =>
      assert.equal(spawnSync(PYTHON, ['-c', `import numpy\n${code}`], { cwd: dir }).status, 0, code);
    numpy("numpy.save('wide.npy', numpy.zeros((4, 3), 'float32'))");
    refuses(
      ['--mc', '2', '--data', 'wide.npy'],
      /wide\.npy: samples of shape \(3\) have 3 values, the model's input \[2\] needs 2/,
    );
    // digits-cnn takes [1, 8, 8]: 64 values laid out as (2, 32) are not its images.
    numpy(
      "numpy.save('x_t.npy', numpy.zeros((4, 2, 32), 'float32')); numpy.save('y_t.npy', numpy.arange(4))",
    );
    refuses(
      ['--mc', '2', '--data', 'x_t.npy'],
      /x_t\.npy: samples of shape \(2, 32\) are laid out unlike the model's input \[1, 8, 8\]/,
      'digits-cnn.py',
    );
    numpy("numpy.save('x_n.npy', numpy.zeros((4, 2), 'float32')); numpy.save('y_n.npy', numpy.arange(3))");
    refuses(
      ['--mc', '2', '--data', 'x_n.npy'],
      /y_n\.npy: not usable as labels \(shape \(3,\); labels for 4 samples/,
    );
    numpy(
      "numpy.save('x_h.npy', numpy.zeros((3, 2), 'float32')); numpy.save('y_h.npy', numpy.array([[0, 1], [1, 1], [1, 0]]))",
    );
    refuses(['--mc', '2', '--data', 'x_h.npy'], /y_h\.npy: not usable as labels \(row 1 is not one-hot/);
  });

  it('decodes one-hot .npy labels as the product does', () => {
    const code =
      "import numpy\nnumpy.save('x_o.npy', numpy.zeros((3, 2), 'float32')); numpy.save('y_o.npy', numpy.eye(2)[[1, 0, 1]])";
    assert.equal(spawnSync(PYTHON, ['-c', code], { cwd: dir }).status, 0);
    const r = script('moons-mc.py', '--mc', '2', '--data', 'x_o.npy');
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { samples: { label: number }[] };
    assert.deepEqual(
      report.samples.map((s) => s.label),
      [1, 0, 1],
    );
  });

  it('MC on a network without a stochastic layer exits 1 with mc-no-stochastic-layer, as dropout-lens mc does', () => {
    const net = new Network([2], [{ type: 'dense', name: 'out', units: 2 }]);
    net.init(new Rng(1));
    writeFileSync(join(dir, 'plain.py'), writePytorch(net.record(), { name: 'plain', softmax: true }));
    const r = script('plain.py', '--mc', '5', '--data', 'ok.csv');
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^plain\.py: mc-no-stochastic-layer: /);
  });

  it('MC on unlabelled data leaves out accuracy, NLL and ECE, as dropout-lens mc --json does', () => {
    writeFileSync(join(dir, 'unlabelled.csv'), 'x,y\n0.5,0.2\n1.5,-0.3\n');
    const r = script('moons-mc.py', '--mc', '5', '--data', 'unlabelled.csv');
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as Record<string, unknown>;
    for (const key of ['accuracy', 'nll', 'ece']) assert.ok(!(key in report), key);
    assert.equal(report.labelled, false);
    assert.equal(report.n, 2);
  });

  it('refuses a number of processes that does not divide the batch', () => {
    // moons-mc trains in batches of 32: 3 processes would step on 11 + 11 + 10 rows, not the 32-row step.
    const r = spawnSync(PYTHON, [TORCHRUN, '--nproc_per_node', '3', 'moons-mc.py', '--train', 'ok.csv'], {
      cwd: dir,
      encoding: 'utf8',
    });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /3 processes cannot split the batch of 32 evenly/);
  });

  it('refuses a train --out JSON or another network’s checkpoint as --weights', () => {
    refuses(
      ['--weights', 'weights.json', '--mc', '2', '--data', 'ok.csv'],
      /--weights weights\.json: a JSON file \(dropout-lens train --out\?\)/,
    );
    const trained = script('moons-mc.py', '--train', 'ok.csv', '--epochs', '1', '--checkpoint', 'moons.pt');
    assert.equal(trained.status, 0, trained.stderr);
    refuses(
      ['--weights', 'moons.pt', '--predict', 'rows.json'],
      /--weights moons\.pt: a checkpoint of another network/,
      'digits-mlp.py',
    );
    refuses(
      ['--weights', 'ok.csv', '--mc', '2', '--data', 'ok.csv'],
      /--weights ok\.csv: not a checkpoint written by --checkpoint/,
    );
  });
});
