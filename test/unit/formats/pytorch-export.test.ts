// Exported PyTorch scripts run in PyTorch (an independent implementation) and predict what the engine
// predicts, within 1e-5, on raw (unstandardised) inputs.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadData } from '../../../src/core/data/load';
import { nodeDataSource } from '../../../src/core/data/node-data';
import { trainPlan, trainingSpec } from '../../../src/core/engine/session';
import { Rng } from '../../../src/core/engine/rng';
import { Network, type LayerSpec } from '../../../src/core/engine/network';
import { openModel } from '../../../src/core/formats/detect';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { writePytorch } from '../../../src/core/formats/pytorch-export';
import { enginePredict, maxDiff } from './engine-predict';

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

function torchPredict(script: string, x: Float32Array, rows: number): number[] {
  const dir = mkdtempSync(join(tmpdir(), 'dl-pytorch-'));
  try {
    writeFileSync(join(dir, 'model.py'), script);
    const d = x.length / rows;
    const data = Array.from({ length: rows }, (_, r) => Array.from(x.subarray(r * d, (r + 1) * d)));
    writeFileSync(join(dir, 'rows.json'), JSON.stringify(data));
    const r = spawnSync(PYTHON, ['model.py', '--predict', 'rows.json'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return (JSON.parse(r.stdout) as number[][]).flat();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('PyTorch export (PyTorch as the reference)', function () {
  this.timeout(60000);
  before(function () {
    if (!hasTorch) {
      console.log(`    skipped: "${PYTHON} -c 'import torch'" fails, so there is no PyTorch to compare with`);
      this.skip();
    }
  });
  const digits = loadData('builtin:digits', nodeDataSource);
  const rows = 32;
  const x = digits.x.slice(0, rows * 64);

  for (const file of ['samples/digits-mlp.nn.json', 'samples/digits-cnn.nn.json']) {
    it(`${file}: trained for 1 epoch, same probabilities as the engine`, async () => {
      const graph = openModel(nodeModelSource(file));
      const spec = { ...trainingSpec(graph), epochs: 1 };
      const report = await trainPlan(graph, loadData(spec.data as string, nodeDataSource, spec.seed), spec, {
        name: 'dropout',
      });
      const options = {
        name: file,
        softmax: report.softmaxInLoss,
        standardization: report.standardization,
      };
      const script = writePytorch(report.network, options);
      const diff = maxDiff(torchPredict(script, x, rows), enginePredict(report.network, x, rows, options));
      assert.ok(diff < 1e-5, `max |PyTorch − engine| = ${diff}`);
    });
  }

  it('every activation, norm and dropout variant agrees in eval mode', () => {
    const specs: LayerSpec[] = [
      { type: 'reshape', name: 'r', shape: [1, 8, 8] },
      { type: 'conv2d', name: 'c1', filters: 4, kernelSize: 3, padding: 'same', bias: false },
      { type: 'batchnorm', name: 'bn' },
      { type: 'activation', name: 'c1/relu', activation: 'relu' },
      { type: 'dropout', name: 'sd', variant: 'spatial', rate: 0.2 },
      { type: 'pool', name: 'p', pool: 'avg', poolSize: 2 },
      { type: 'flatten', name: 'f' },
      { type: 'dense', name: 'a', units: 16 },
      { type: 'layernorm', name: 'ln' },
      { type: 'activation', name: 'a/gelu', activation: 'gelu' },
      { type: 'dropout', name: 'd1', variant: 'standard', rate: 0.3, scaling: 'classic' },
      { type: 'dense', name: 'b', units: 16 },
      { type: 'activation', name: 'b/selu', activation: 'selu' },
      { type: 'dropout', name: 'd2', variant: 'alpha', rate: 0.1 },
      { type: 'dense', name: 'c', units: 12 },
      { type: 'activation', name: 'c/elu', activation: 'elu' },
      { type: 'dropout', name: 'd3', variant: 'gaussian', rate: 0.2 },
      { type: 'dense', name: 'e', units: 8 },
      { type: 'activation', name: 'e/lrelu', activation: 'leaky-relu', alpha: 0.2 },
      { type: 'dropout', name: 'd4', variant: 'gaussian-noise', rate: 0.5 },
      { type: 'dense', name: 'g', units: 8 },
      { type: 'activation', name: 'g/tanh', activation: 'tanh' },
      { type: 'dropout', name: 'd5', variant: 'standard', rate: 0.5 },
      { type: 'dense', name: 'out', units: 10 },
    ];
    const net = new Network([64], specs);
    net.init(new Rng(3));
    const mean = Array.from({ length: 64 }, (_, i) => i / 16);
    const std = Array.from({ length: 64 }, (_, i) => 2 + (i % 5));
    const options = { name: 'mixed', softmax: true, standardization: { mean, std } };
    const script = writePytorch(net, options);
    const diff = maxDiff(torchPredict(script, x, rows), enginePredict(net, x, rows, options));
    assert.ok(diff < 1e-5, `max |PyTorch − engine| = ${diff}`);
  });

  it('MC-dropout layers stay random in eval mode', () => {
    const net = new Network(
      [64],
      [
        { type: 'dense', name: 'a', units: 32 },
        { type: 'dropout', name: 'mc', variant: 'standard', rate: 0.5, mode: 'always' },
        { type: 'dense', name: 'out', units: 3 },
      ],
    );
    net.init(new Rng(1));
    const script = writePytorch(net, { name: 'mc', softmax: false });
    assert.match(script, /AlwaysOn\(nn\.Dropout\(0\.5\)\)/);
    const first = torchPredict(script, x, rows);
    const second = torchPredict(script, x, rows);
    assert.ok(maxDiff(first, second) > 1e-3, 'two MC passes gave the same outputs');
  });
});
