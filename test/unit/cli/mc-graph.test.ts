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
import { graphMcModel } from '../../../src/core/engine/mc/own-model';
import type { McSample } from '../../../src/core/engine/mc/report';
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
      mc: { passes: 200, seed: 1, everySample: true },
    });
    const model = await graphMcModel(graph, source);
    const deterministic = await model.deterministic({ data: data.x, shape: [n, d] });
    const want = expected.prediction.values as number[];
    deterministic.forEach((p, i) => assert.ok(Math.abs(p - want[i]!) < 1e-5, `p[${i}] ${p} vs ${want[i]}`));
    assert.equal(run.engine.name, 'dropout-lens');
    assert.equal(run.summary.passes, 200);
    const samples = run.samples!;
    assert.equal(samples.length, n);
    assert.ok(
      samples.some((s) => s.variance.some((v) => v > 1e-6)),
      'the dropout layers drew masks',
    );
    for (const s of samples) {
      const sum = s.mean.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-5, `row ${s.index} mean sums to ${sum}`);
    }
  });

  it('an ONNX from `train --out x.onnx` (Softmax, then Identity) gives the trained network’s probabilities', async () => {
    const model = 'samples/moons-mc.nn.json';
    for (const out of ['w.json', 'm.onnx'])
      assert.equal((await run('train', model, '--epochs', '5', '--out', join(dir, out))).code, 0);
    const graph = openModel(nodeModelSource(model));
    const spec = trainingSpec(graph);
    const T = 400;
    const net = await runMcSession({
      graph,
      data: loadData('builtin:moons', nodeDataSource, spec.seed),
      spec,
      weights: parseWeights(readFileSync(join(dir, 'w.json')), 'w.json'),
      mc: { passes: T, seed: 1, everySample: true },
    });
    // The ONNX standardises its raw input itself: give it the same validation rows, unstandardised.
    const source = nodeModelSource(join(dir, 'm.onnx'));
    const onnx = openModel(source);
    const labels = Int32Array.from(net.samples!, (s) => s.label);
    const rows = { x: net.raw!, y: labels, n: labels.length, shape: [2], classes: 2 };
    const file = await runMcSession({
      graph: onnx,
      data: rows,
      spec: trainingSpec(onnx),
      source,
      mc: { passes: T, seed: 2, everySample: true },
    });
    // One deterministic pass each: the same probabilities, so the same NLL.
    assert.ok(Math.abs(net.deterministic.nll! - file.deterministic.nll!) < 1e-5, 'deterministic NLL');
    assert.equal(net.deterministic.accuracy, file.deterministic.accuracy);
    // Two independent MC estimates: each mean within 5 standard errors, and the same average variance.
    // (Per-entry variances are left out: a sample near the boundary flips on rare masks, and 400 passes
    // of one run do not pin the fourth moment their standard error needs.)
    const flat = (r: typeof net, pick: (s: McSample) => number[]) => r.samples!.flatMap(pick);
    const [netMean, netVar, fileMean, fileVar] = [
      flat(net, (s) => s.mean),
      flat(net, (s) => s.variance),
      flat(file, (s) => s.mean),
      flat(file, (s) => s.variance),
    ];
    const se = netVar.map((v) => Math.sqrt((2 * v) / T) + 1e-6);
    fileMean.forEach((m, i) => {
      const z = Math.abs(m - netMean[i]!) / se[i]!;
      assert.ok(z < 5, `mean[${i}]: ${m} vs ${netMean[i]} (${z.toFixed(1)} SE)`);
    });
    const avg = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const ratio = avg(fileVar) / avg(netVar);
    assert.ok(Math.abs(ratio - 1) < 0.1, `average variance ratio ${ratio}`);
    assert.ok(avg(netVar) > 1e-3, 'the dropout layers drew masks');
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
          mc: { passes: 12, seed: 4, everySample: true, ...chunking },
        });
        return r.samples!.flatMap((s) => s.mean);
      }),
    );
    assert.deepEqual(means[1], means[0]);
    assert.deepEqual(means[2], means[0]);
  });
});
