// The mc job in the real worker bundle (dist/worker.js): partial Welford statistics stream in with a
// growing pass count, the result has the requested passes and per-pass probabilities of the most
// uncertain samples, and a cancel stops it.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { main } from '../../../src/cli/main';
import type { FromWorker, Jobs, WireMcView } from '../../../src/protocol/worker';

describe('worker mc job (real worker thread)', () => {
  let dir: string;
  let worker: Worker;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mc-job-'));
    const code = await main(
      ['train', 'samples/digits-mlp.nn.json', '--epochs', '3', '--out', join(dir, 'w.json')],
      {
        out: () => {},
        err: () => {},
      },
    );
    assert.equal(code, 0);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => (worker = new Worker(resolve('dist/worker.js'))));
  afterEach(() => worker.terminate());

  const start = (request: Jobs['mc']['request']) => {
    const partial: number[] = [];
    const partialGrids: (number | undefined)[] = [];
    const end = new Promise<FromWorker>((done) =>
      worker.on('message', (m: FromWorker) => {
        if (m.type !== 'progress') return done(m);
        const p = m.progress as Jobs['mc']['progress'];
        if (p.phase !== 'mc') return;
        partial.push(p.mc.summary.passes);
        partialGrids.push(p.mc.grid?.entropy.length);
      }),
    );
    worker.postMessage({ type: 'start', jobId: 1, kind: 'mc', request });
    return { partial, partialGrids, end };
  };

  it('streams partial statistics and ends with the requested passes', async () => {
    const request = {
      model: 'samples/digits-mlp.nn.json',
      passes: 200,
      seed: 1,
      masks: 'fresh' as const,
      weights: join(dir, 'w.json'),
    };
    const { partial, end } = start(request);
    const m = await end;
    assert.equal(m.type, 'done', JSON.stringify(m));
    const view = (m as { result: WireMcView }).result;
    assert.equal(view.summary.passes, 200);
    assert.equal(view.summary.n, 359);
    assert.ok(partial.length >= 2, `partials: ${partial}`);
    assert.ok(
      partial.every((p, i) => i === 0 || p > partial[i - 1]!),
      'pass counts grow',
    );
    assert.equal(view.prefixLayers, 2, 'dense and its relu run once');
    assert.equal(view.uncertain.length, 8);
    assert.equal(view.uncertain[0]!.passes!.length, 200);
    assert.equal(view.uncertain[0]!.features.length, 64);
    assert.ok(view.uncertain[0]!.entropy >= view.uncertain[7]!.entropy);
  });

  it('runs an ONNX file with its own weights (the panel on a .onnx)', async () => {
    const d = 6;
    const rows = Array.from({ length: 10 }, (_, r) =>
      [...Array.from({ length: d }, (_, c) => Math.sin(r + c)), r % 3].join(','),
    );
    const csv = join(dir, 'rows.csv');
    writeFileSync(
      csv,
      [[...Array.from({ length: d }, (_, i) => `f${i}`), 'label'].join(','), ...rows].join('\n'),
    );
    const { end } = start({
      model: 'test/fixtures/mc-onnx/mlp-dropout.onnx',
      data: csv,
      passes: 40,
      seed: 2,
      masks: 'fresh',
      train: true,
    });
    const m = await end;
    assert.equal(m.type, 'done', JSON.stringify(m));
    const view = (m as { result: WireMcView }).result;
    assert.equal(view.summary.passes, 40);
    assert.equal(view.summary.n, 10);
    assert.equal(view.trained, false);
    assert.equal(view.uncertain[0]!.passes!.length, 40);
    assert.equal(view.uncertain[0]!.features.length, d);
    assert.ok(view.summary.meanMutualInfo > 0, 'the passes differ');
  });

  it('maps the uncertainty over the plane on 2-D data (the moons-mc sample and its weights)', async () => {
    const { partialGrids, end } = start({
      model: 'samples/moons-mc.nn.json',
      passes: 30,
      seed: 0,
      masks: 'fresh',
    });
    const m = await end;
    assert.equal(m.type, 'done', JSON.stringify(m));
    const view = (m as { result: WireMcView }).result;
    assert.equal(view.trained, false, 'the sample brings its weights');
    assert.equal(view.summary.n, 200);
    assert.ok(view.summary.accuracy! >= 0.95, `accuracy ${view.summary.accuracy}`);
    assert.ok(partialGrids.length > 0 && partialGrids.every((g) => g === 1600), 'every partial has the maps');
    const grid = view.grid!;
    assert.equal(grid.size, 40);
    assert.equal(grid.points.length, 200);
    for (const a of [grid.cls, grid.prob, grid.entropy, grid.mutualInfo]) assert.equal(a.length, 1600);
    // Uncertain where the classes meet, sure far inside them: compare cells by the mean's top probability.
    const avg = (keep: (p: number) => boolean, v: number[]) => {
      const picked = v.filter((_, i) => keep(grid.prob[i]!));
      return picked.reduce((a, b) => a + b, 0) / picked.length;
    };
    assert.ok(avg((p) => p < 0.7, grid.entropy) > 0.5, 'entropy near the boundary');
    assert.ok(avg((p) => p > 0.99, grid.entropy) < 0.06, 'entropy inside the classes');
    assert.ok(new Set(grid.cls).size === 2, 'both classes on the plane');
  });

  it('stops on cancel', async () => {
    const { end } = start({
      model: 'samples/digits-mlp.nn.json',
      passes: 100000,
      seed: 1,
      masks: 'fresh',
      weights: join(dir, 'w.json'),
    });
    await new Promise((r) => setTimeout(r, 300));
    worker.postMessage({ type: 'cancel', jobId: 1 });
    assert.equal((await end).type, 'cancelled');
  });
});
