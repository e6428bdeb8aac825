// MC dropout of ONNX and tfjs layers files (the graph executor path): the clear errors (the data's width
// against the model's input, a graph with nothing random) and a tfjs layers model whose deterministic pass
// is tfjs's own stored prediction. The ONNX numbers are checked against onnxruntime in
// test/unit/engine/mc-onnx.test.ts.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './run-cli';
import { parseCsv } from '../../../src/core/data/csv';
import { runMcSession } from '../../../src/core/engine/mc/session';
import { trainingSpec } from '../../../src/core/model/training-spec';
import { openModel } from '../../../src/core/formats/detect';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { loadData } from '../../../src/core/data/load';
import { nodeDataSource } from '../../../src/core/data/node-data';
import { parseWeights } from '../../../src/core/engine/weights-file';

describe('dropout-lens mc on ONNX and tfjs layers files', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'mc-graph-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('names the width mismatch between the data and the model input', async () => {
    const r = await run('mc', 'test/fixtures/mc-onnx/mlp-dropout.onnx', '--data', 'builtin:iris');
    assert.equal(r.code, 2);
    assert.match(r.err, /4 features per sample, the model's input \[6\] needs 6/);
  });

  it('a graph without dropout gives mc-no-stochastic-layer (exit 1)', async () => {
    const csv = join(dir, 'twenty.csv');
    const header = [...Array.from({ length: 20 }, (_, i) => `f${i}`), 'label'].join(',');
    writeFileSync(csv, `${header}\n${[...Array<number>(20).fill(0.5), 1].join(',')}\n`);
    const r = await run('mc', 'test/fixtures/onnx-torch/mlp_eval_opset13.onnx', '--data', csv, '--json');
    assert.equal(r.code, 1);
    assert.match(r.err, /mc-no-stochastic-layer/);
  });

  it('tfjs layers mlp: the deterministic pass is tfjs’s prediction, the MC passes vary', async () => {
    const path = 'test/fixtures/tfjs/mlp/model.json';
    const expected = JSON.parse(readFileSync('test/fixtures/tfjs/mlp/expected.json', 'utf8'));
    const [n, d] = expected.input.shape as [number, number];
    const rows = Array.from({ length: n }, (_, r) =>
      [...expected.input.values.slice(r * d, (r + 1) * d), 0].join(','),
    );
    const header = [...Array.from({ length: d }, (_, i) => `f${i}`), 'label'].join(',');
    const data = parseCsv([header, ...rows].join('\n'));
    const source = nodeModelSource(path);
    const graph = openModel(source);
    const run = await runMcSession({
      graph,
      data,
      spec: trainingSpec(graph),
      source,
      mc: { passes: 200, seed: 1 },
    });
    const want = expected.prediction.values as number[];
    run.deterministic.forEach((p, i) =>
      assert.ok(Math.abs(p - want[i]!) < 1e-5, `p[${i}] ${p} vs ${want[i]}`),
    );
    assert.equal(run.stats.passes, 200);
    assert.ok(
      run.stats.variance.some((v) => v > 1e-6),
      'the dropout layers drew masks',
    );
    for (let r = 0; r < n; r++) {
      const sum = run.stats.mean.slice(r * 3, r * 3 + 3).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-5, `row ${r} mean sums to ${sum}`);
    }
  });

  it('an ONNX from `train --out x.onnx` (Softmax, then Identity) gives the trained network’s probabilities', async () => {
    const model = 'samples/moons-mc.nn.json';
    for (const out of ['w.json', 'm.onnx'])
      assert.equal((await run('train', model, '--epochs', '5', '--out', join(dir, out))).code, 0);
    const graph = openModel(nodeModelSource(model));
    const spec = trainingSpec(graph);
    const passes: number[] = [];
    const T = 400;
    const net = await runMcSession(
      {
        graph,
        data: loadData('builtin:moons', nodeDataSource, spec.seed),
        spec,
        weights: parseWeights(readFileSync(join(dir, 'w.json')), 'w.json'),
        mc: { passes: T, seed: 1 },
      },
      { onChunk: (p) => passes.push(...p) },
    );
    // The ONNX standardises its raw input itself: give it the same validation rows, unstandardised.
    const source = nodeModelSource(join(dir, 'm.onnx'));
    const onnx = openModel(source);
    const rows = { x: net.raw, y: net.labels, n: net.labels.length, shape: [2], classes: 2 };
    const file = await runMcSession({
      graph: onnx,
      data: rows,
      spec: trainingSpec(onnx),
      source,
      mc: { passes: T, seed: 2 },
    });
    net.deterministic.forEach((p, i) =>
      assert.ok(Math.abs(p - file.deterministic[i]!) < 1e-5, `p[${i}] ${file.deterministic[i]} vs ${p}`),
    );
    // Two independent MC estimates: each mean within 5 standard errors, and the same average variance.
    // (Per-entry variances are left out: a sample near the boundary flips on rare masks, and 400 passes
    // of one run do not pin the fourth moment their standard error needs.)
    const se = Array.from(net.stats.variance, (v) => Math.sqrt((2 * v) / T) + 1e-6);
    file.stats.mean.forEach((m, i) => {
      const z = Math.abs(m - net.stats.mean[i]!) / se[i]!;
      assert.ok(z < 5, `mean[${i}]: ${m} vs ${net.stats.mean[i]} (${z.toFixed(1)} SE)`);
    });
    const avg = (v: Float64Array) => v.reduce((a, b) => a + b, 0) / v.length;
    const ratio = avg(file.stats.variance) / avg(net.stats.variance);
    assert.ok(Math.abs(ratio - 1) < 0.1, `average variance ratio ${ratio}`);
    assert.ok(avg(net.stats.variance) > 1e-3, 'the dropout layers drew masks');
  });

  it('draws the same ONNX passes whatever the batching (the panel streams in smaller chunks than the CLI)', async () => {
    const source = nodeModelSource('samples/moons-mc.onnx');
    const graph = openModel(source);
    const data = loadData('builtin:moons', nodeDataSource, 1);
    const means = await Promise.all(
      [{ every: 10 }, { every: 2 }, { every: 3, maxElements: 24 * 7 }].map(async (chunking) => {
        const r = await runMcSession({
          graph,
          data,
          spec: trainingSpec(graph),
          source,
          mc: { passes: 12, seed: 4, ...chunking },
        });
        return Array.from(r.stats.mean);
      }),
    );
    assert.deepEqual(means[1], means[0]);
    assert.deepEqual(means[2], means[0]);
  });
});
