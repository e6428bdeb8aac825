// Exported PyTorch scripts run in PyTorch (an independent implementation) and predict what the engine
// predicts, within 1e-5, on raw (unstandardised) inputs.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadData } from '../../../src/core/data/load';
import { nodeDataSource } from '../../../src/core/data/node-data';
import { trainPlan } from '../../../src/core/engine/train/session';
import { trainingSpec } from '../../../src/core/model/training-spec';
import { Rng } from '../../../src/core/random/rng';
import { Network } from '../../../src/core/engine/network';
import { openModel } from '../../../src/core/formats/detect';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { writePytorch } from '../../../src/core/export/pytorch-script';
import { enginePredict, maxDiff } from './engine-predict';
import { MIXED_LAYERS, MIXED_STANDARDIZATION } from './export-networks';

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
    // `npm test` installs Debian's python3-torch; a bare `mocha` run on a machine without it skips,
    // but CI never does.
    if (!hasTorch) {
      if (process.env.CI) assert.fail(`"${PYTHON} -c 'import torch'" fails: PyTorch is not installed`);
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
      const script = writePytorch(report.network.record(), options);
      const diff = maxDiff(torchPredict(script, x, rows), enginePredict(report.network, x, rows, options));
      assert.ok(diff < 1e-5, `max |PyTorch − engine| = ${diff}`);
    });
  }

  it('every activation, norm and dropout variant agrees in eval mode', () => {
    const net = new Network([64], MIXED_LAYERS);
    net.init(new Rng(3));
    const options = { name: 'mixed', softmax: true, standardization: MIXED_STANDARDIZATION };
    const script = writePytorch(net.record(), options);
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
    const script = writePytorch(net.record(), { name: 'mc', softmax: false });
    assert.match(script, /AlwaysOn\(nn\.Dropout\(0\.5\)\)/);
    const first = torchPredict(script, x, rows);
    const second = torchPredict(script, x, rows);
    assert.ok(maxDiff(first, second) > 1e-3, 'two MC passes gave the same outputs');
  });
});
