// MC dropout of ONNX and tfjs layers files (the graph executor path): the clear errors (the data's width
// against the model's input, a graph with nothing random) and a tfjs layers model whose deterministic pass
// is tfjs's own stored prediction. The ONNX numbers are checked against onnxruntime in
// test/unit/engine/mc-onnx.test.ts.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { parseCsv } from '../../../src/core/data/csv';
import { runMcSession } from '../../../src/core/engine/mc-session';
import { trainingSpec } from '../../../src/core/engine/session';
import { openModel } from '../../../src/core/formats/detect';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') });
  return { code, out, err };
}

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
});
