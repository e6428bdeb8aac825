// `dropout-lens export`: the Train panel's exports from the command line. The weights it takes (trained
// by `train --out`) are checked by PyTorch's predictions; usage mistakes and models it cannot export exit 2.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadData } from '../../../src/core/data/load';
import { nodeDataSource } from '../../../src/core/data/node-data';
import { splitAndStandardize } from '../../../src/core/data/split';
import { writeCsv } from '../export/pytorch-run';
import { run } from './run-cli';

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
const MODEL = 'samples/moons-mc.nn.json';

describe('dropout-lens export', function () {
  this.timeout(60000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'dl-export-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes each format; usage mistakes and unreadable input exit 2 and write nothing', async () => {
    for (const format of ['pytorch', 'keras', 'onnx']) {
      const out = join(dir, `m-${format}`);
      const r = await run('export', MODEL, '--format', format, '--out', out);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /weights moons-mc\.weights\.json, inputs standardised as on builtin:moons/);
      const bytes = readFileSync(out);
      if (format === 'onnx') assert.equal(bytes[0], 0x08, 'an ONNX ModelProto starts with ir_version');
      else assert.match(bytes.toString('utf8'), format === 'pytorch' ? /^import torch$/m : /^import keras$/m);
    }
    const cases: [string[], RegExp][] = [
      [[MODEL, '--out', join(dir, 'a')], /--format must be one of pytorch, keras, onnx/],
      [[MODEL, '--format', 'tflite', '--out', join(dir, 'a')], /--format must be one of/],
      [[MODEL, '--format', 'onnx'], /--out FILE/],
      [
        ['samples/moons-mc.onnx', '--format', 'onnx', '--out', join(dir, 'a')],
        /already is an exported model/,
      ],
      [['no-such.nn.json', '--format', 'onnx', '--out', join(dir, 'a')], /no-such\.nn\.json/],
      // Errors name the file they are about: the weights or the output file, not the model.
      [
        [MODEL, '--format', 'onnx', '--weights', 'no-such.json', '--out', join(dir, 'a')],
        /^dropout-lens: no-such\.json: /,
      ],
      [
        [MODEL, '--format', 'onnx', '--weights', join(dir, 'other.json'), '--out', join(dir, 'a')],
        /^dropout-lens: \S*other\.json: weights: "layers\[0\] \(dense\)\.weight" is missing/,
      ],
      [[MODEL, '--format', 'onnx', '--out', join(dir, 'none', 'a')], /^dropout-lens: \S*none\/a: ENOENT/],
    ];
    writeFileSync(
      join(dir, 'other.json'),
      JSON.stringify({ runs: { dropout: { weights: { 'x.weight': [1] } } } }),
    );
    for (const [args, message] of cases) {
      const r = await run('export', ...args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.err, message);
    }
    assert.ok(!existsSync(join(dir, 'a')));
  });

  it('--weights from train --out: PyTorch predicts the engine’s validation accuracy', async function () {
    if (!hasTorch) {
      if (process.env.CI) assert.fail(`"${PYTHON} -c 'import torch'" fails: PyTorch is not installed`);
      this.skip();
    }
    const model = 'samples/digits-mlp.nn.json';
    const trained = await run('train', model, '--epochs', '3', '--out', join(dir, 'w.json'), '--json');
    assert.equal(trained.code, 0, trained.err);
    const { summary } = JSON.parse(trained.out.trim().split('\n').pop() as string) as {
      summary: { runs: { valAcc: number }[] };
    };
    const script = join(dir, 'digits.py');
    const r = await run(
      'export',
      model,
      '--format',
      'pytorch',
      '--weights',
      join(dir, 'w.json'),
      '--out',
      script,
    );
    assert.equal(r.code, 0, r.err);
    // Raw validation rows in; the script standardises them as training did.
    const { val } = splitAndStandardize(loadData('builtin:digits', nodeDataSource), 0.2, 1, false);
    const d = val.x.length / val.n;
    const rows = Array.from({ length: val.n }, (_, i) => Array.from(val.x.subarray(i * d, (i + 1) * d)));
    writeFileSync(join(dir, 'rows.json'), JSON.stringify(rows));
    const p = spawnSync(PYTHON, [script, '--predict', join(dir, 'rows.json')], { encoding: 'utf8' });
    assert.equal(p.status, 0, p.stderr);
    const probs = JSON.parse(p.stdout) as number[][];
    const correct = probs.filter((row, i) => row.indexOf(Math.max(...row)) === val.y[i]).length;
    // A borderline row may round the other way in float32: one sample at most.
    assert.ok(Math.abs(correct / val.n - (summary.runs[0]?.valAcc ?? -1)) <= 1 / val.n);
  });

  it('--weights from train --out on other data: the export standardises as that run did', async function () {
    if (!hasTorch) {
      if (process.env.CI) assert.fail(`"${PYTHON} -c 'import torch'" fails: PyTorch is not installed`);
      this.skip();
    }
    // The digits with every feature 2x + 3: a standardisation fitted on builtin:digits would be wrong.
    const digits = loadData('builtin:digits', nodeDataSource);
    const scaled = { ...digits, x: digits.x.map((v) => 2 * v + 3) };
    writeCsv(join(dir, 'scaled.csv'), scaled);
    const model = 'samples/digits-mlp.nn.json';
    const out = join(dir, 'scaled.json');
    const trained = await run(
      'train',
      model,
      '--data',
      join(dir, 'scaled.csv'),
      '--epochs',
      '2',
      '--out',
      out,
      '--json',
    );
    assert.equal(trained.code, 0, trained.err);
    const { summary } = JSON.parse(trained.out.trim().split('\n').pop() as string) as {
      summary: { runs: { valAcc: number }[] };
    };
    const script = join(dir, 'scaled.py');
    const r = await run('export', model, '--format', 'pytorch', '--weights', out, '--out', script);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /inputs standardised as train recorded on \S*scaled\.csv \(seed 1\)/);
    const { val } = splitAndStandardize(scaled, 0.2, 1, false);
    const d = val.x.length / val.n;
    const rows = Array.from({ length: val.n }, (_, i) => Array.from(val.x.subarray(i * d, (i + 1) * d)));
    writeFileSync(join(dir, 'scaled-rows.json'), JSON.stringify(rows));
    const p = spawnSync(PYTHON, [script, '--predict', join(dir, 'scaled-rows.json')], { encoding: 'utf8' });
    assert.equal(p.status, 0, p.stderr);
    const probs = JSON.parse(p.stdout) as number[][];
    const correct = probs.filter((row, i) => row.indexOf(Math.max(...row)) === val.y[i]).length;
    assert.ok(Math.abs(correct / val.n - (summary.runs[0]?.valAcc ?? -1)) <= 1 / val.n, `${correct / val.n}`);
  });
});
