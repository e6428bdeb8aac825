// The exported PyTorch script reads the same samples from a CSV, an .npy with its y.npy, and a folder of
// PNG images in class subfolders (as the product's loaders lay them out: class folders in name order,
// pixels scaled to [0, 1], channels first): its MC-dropout report is the same for all three.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { loadData } from '../../../src/core/data/load';
import { nodeDataSource } from '../../../src/core/data/node-data';
import { Network } from '../../../src/core/engine/network';
import { writePytorch } from '../../../src/core/export/pytorch-script';
import { Rng } from '../../../src/core/random/rng';
import { writeNpy } from '../cli/npy-file';
import { maxDiff } from './engine-predict';

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch, PIL'], { stdio: 'ignore' }).status === 0;

describe('PyTorch export: --data as CSV, .npy and an image folder', function () {
  this.timeout(60000);
  let dir: string;
  before(function () {
    if (!hasTorch) {
      if (process.env.CI) assert.fail(`"${PYTHON} -c 'import torch, PIL'" fails`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'dl-pytorch-data-'));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('gives the same MC report for the same 8×8 digits in each form', () => {
    const net = new Network(
      [1, 8, 8],
      [
        { type: 'conv2d', name: 'c', filters: 4, kernelSize: 3, padding: 'same' },
        { type: 'activation', name: 'c/relu', activation: 'relu' },
        { type: 'dropout', name: 'sd', variant: 'spatial', rate: 0.3 },
        { type: 'flatten', name: 'f' },
        { type: 'dense', name: 'out', units: 10 },
      ],
    );
    net.init(new Rng(2));
    writeFileSync(join(dir, 'model.py'), writePytorch(net.record(), { name: 'cnn', softmax: true }));
    // 12 digits (pixel values 0..16) as 8-bit grey levels, in the image folder's order: by class, then name.
    const digits = loadData('builtin:digits', nodeDataSource);
    const samples = Array.from({ length: 12 }, (_, i) => ({
      bytes: Array.from(digits.x.subarray(i * 64, (i + 1) * 64), (v) => Math.round(v) * 15),
      label: digits.y[i] as number,
    })).sort((a, b) => a.label - b.label);
    const header = [...Array.from({ length: 64 }, (_, j) => `p${j}`), 'label'].join(',');
    const csv = samples.map((s) => [...s.bytes.map((b) => b / 255), s.label].join(','));
    writeFileSync(join(dir, 'digits.csv'), [header, ...csv].join('\n') + '\n');
    const x = Float32Array.from(samples.flatMap((s) => s.bytes.map((b) => b / 255)));
    writeNpy(join(dir, 'x.npy'), [samples.length, 1, 8, 8], x);
    writeNpy(
      join(dir, 'y.npy'),
      [samples.length],
      Int32Array.from(samples, (s) => s.label),
    );
    samples.forEach((s, i) => {
      const png = new PNG({ width: 8, height: 8 });
      s.bytes.forEach((b, p) => png.data.set([b, b, b, 255], 4 * p));
      mkdirSync(join(dir, 'images', String(s.label)), { recursive: true });
      writeFileSync(
        join(dir, 'images', String(s.label), `${String(i).padStart(2, '0')}.png`),
        PNG.sync.write(png),
      );
    });

    const reports = ['digits.csv', 'x.npy', 'images'].map((data) => {
      const r = spawnSync(PYTHON, ['model.py', '--mc', '4', '--data', data], { cwd: dir, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as {
        n: number;
        labelled: boolean;
        samples: { label: number; mean: number[] }[];
      };
    });
    const [csvReport, npyReport, imageReport] = reports as [
      (typeof reports)[0],
      (typeof reports)[0],
      (typeof reports)[0],
    ];
    for (const report of reports) {
      assert.equal(report.n, samples.length);
      assert.ok(report.labelled);
      assert.deepEqual(
        report.samples.map((s) => s.label),
        samples.map((s) => s.label),
      );
    }
    const means = (r: typeof csvReport) => r.samples.flatMap((s) => s.mean);
    // The CSV's decimal text and the images' bytes / 255 may round to float32 one unit apart.
    assert.ok(maxDiff(means(csvReport), means(npyReport)) < 1e-6);
    assert.ok(maxDiff(means(csvReport), means(imageReport)) < 1e-6);
  });
});
