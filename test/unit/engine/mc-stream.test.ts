// An MC run over a stream, a batch of samples at a time: several batches give the summary, the most
// uncertain samples, the convergence figures and the deterministic scores of one batch, bit for bit (every
// layer draws a block from where one batch would draw it); the summary equals the one computed from the
// full per-sample statistics of the pass loop; unlabelled data give entropy, MI and variance but no
// accuracy, NLL or ECE; and what the run keeps is a few numbers per sample, however many classes.
import * as assert from 'node:assert/strict';
import { datasetStream } from '../../../src/core/data/dataset-stream';
import type { Dataset } from '../../../src/core/data/dataset';
import type { DataStream } from '../../../src/core/data/stream';
import { loadData } from '../../../src/core/data/load';
import { nodeDataSource } from '../../../src/core/data/node-data';
import { runMc } from '../../../src/core/engine/mc/mc';
import { networkMcModel } from '../../../src/core/engine/mc/own-model';
import { samples, scores, summarize } from '../../../src/core/engine/mc/report';
import { runMcStream, type McProgress } from '../../../src/core/engine/mc/run-stream';
import { deterministicProbs } from '../../../src/core/engine/mc/mc';
import { Network } from '../../../src/core/engine/network';
import type { LayerSpec } from '../../../src/core/model/network-spec';
import { Rng } from '../../../src/core/random/rng';

function digitsNet(classes = 10, width = 64): Network {
  const specs: LayerSpec[] = [
    { type: 'dense', name: 'fc1', units: 24 },
    { type: 'activation', name: 'relu', activation: 'relu' },
    { type: 'dropout', name: 'drop', variant: 'standard', rate: 0.3 },
    { type: 'dense', name: 'out', units: classes },
    { type: 'activation', name: 'softmax', activation: 'softmax' },
  ];
  const net = new Network([width], specs);
  net.init(new Rng(8));
  return net;
}

const digits = (): Dataset => {
  const data = loadData('builtin:digits', nodeDataSource, 1);
  // Scaled to [0, 1] so the random network's outputs spread over the classes.
  return { ...data, x: data.x.slice(0, 300 * 64).map((v) => v / 16), n: 300, y: data.y.slice(0, 300) };
};

describe('MC run over a stream of batches', () => {
  it('gives the same summary, samples, convergence and scores in batches of 7 as in one batch', async () => {
    const net = digitsNet();
    const data = digits();
    const options = { passes: 20, seed: 3, every: 5, top: 6, everySample: true };
    const one = await runMcStream(networkMcModel(net), datasetStream(data, 'digits'), options);
    const progress: McProgress[] = [];
    const many = await runMcStream(
      networkMcModel(net),
      datasetStream(data, 'digits'),
      { ...options, batchSize: 7 },
      { onPartial: (p) => progress.push(p) },
    );
    assert.deepEqual(many.summary, one.summary);
    assert.deepEqual(many.uncertain, one.uncertain);
    assert.deepEqual(many.samples, one.samples);
    assert.deepEqual(many.convergence, one.convergence);
    assert.deepEqual(many.deterministic, one.deterministic);
    assert.equal(one.summary.n, 300);
    assert.deepEqual(
      one.convergence.map((c) => c.passes),
      [5, 10, 15, 20],
    );
    assert.ok(one.summary.meanMutualInfo > 1e-3, 'the passes differ');
    // 43 batches: partials at 5, 10, 15 passes, then one when the batch is done.
    assert.equal(progress.length, 43 * 4);
    assert.equal(progress.at(-1)!.fraction, 1);
    assert.equal(progress.at(-1)!.samplesDone, 300);
    assert.ok(progress.every((p, i) => i === 0 || p.fraction >= progress[i - 1]!.fraction));
  });

  it('summarises the per-sample records as the full statistics of the pass loop do', async () => {
    const net = digitsNet();
    const data = digits();
    const x = { data: data.x, shape: [data.n, 64] };
    const full = await runMc(net, x, { passes: 15, seed: 2 });
    const run = await runMcStream(networkMcModel(net), datasetStream(data, 'digits'), {
      passes: 15,
      seed: 2,
      top: 4,
      batchSize: 40,
    });
    const want = summarize(full.stats, data.y);
    for (const key of ['accuracy', 'nll', 'ece', 'meanEntropy', 'meanMutualInfo', 'meanVariance'] as const)
      assert.ok(
        Math.abs(run.summary[key]! - want[key]!) < 1e-12,
        `${key}: ${run.summary[key]} vs ${want[key]}`,
      );
    assert.deepEqual(run.summary.bins, want.bins);
    assert.deepEqual(run.summary.correct, want.correct);
    assert.deepEqual(run.uncertain, samples(full.stats, data.y, 4));
    assert.deepEqual(run.deterministic, scores(deterministicProbs(net, x), data.y, 10));
  });

  it('gives entropy, MI and variance without labels, and no accuracy, NLL or ECE', async () => {
    const net = digitsNet();
    const data = digits();
    const labelled = await runMcStream(networkMcModel(net), datasetStream(data, 'digits'), {
      passes: 10,
      seed: 1,
    });
    const unlabelled = await runMcStream(
      networkMcModel(net),
      datasetStream({ ...data, y: new Int32Array(data.n).fill(-1) }, 'digits.npy'),
      { passes: 10, seed: 1, batchSize: 64 },
    );
    assert.equal(unlabelled.labelled, false);
    for (const key of ['accuracy', 'nll', 'ece', 'correct'] as const)
      assert.ok(!(key in unlabelled.summary), `${key} is absent`);
    assert.deepEqual(unlabelled.deterministic, {});
    assert.deepEqual(unlabelled.summary.bins, []);
    assert.ok(unlabelled.convergence.every((c) => !('accuracy' in c) && !('nll' in c)));
    assert.doesNotMatch(JSON.stringify(unlabelled.summary), /NaN|null/);
    for (const key of ['meanEntropy', 'meanMutualInfo', 'meanVariance'] as const)
      assert.equal(unlabelled.summary[key], labelled.summary[key], key);
    assert.equal(unlabelled.uncertain[0]!.label, -1);
    assert.equal(labelled.labelled, true);
  });

  it('keeps a few numbers per sample: 2,000 samples of a 1,000-class model in 40 batches', async () => {
    const n = 2000;
    const net = digitsNet(1000, 8);
    const rng = new Rng(4);
    // A stream that makes each batch when asked for it.
    const stream: DataStream = {
      name: 'generated',
      count: n,
      sampleShape: [8],
      labelled: true,
      sampleName: (i) => `row ${i}`,
      async *batches(size) {
        for (let start = 0; start < n; start += size) {
          const x = Float32Array.from({ length: size * 8 }, () => rng.normal());
          const batch = { start, n: size, x, y: Int32Array.from({ length: size }, () => rng.int(1000)) };
          yield batch;
        }
      },
    };
    const run = await runMcStream(networkMcModel(net), stream, {
      passes: 4,
      seed: 1,
      batchSize: 50,
      top: 5,
      maxClasses: 10,
      everySample: true,
      keepPassValues: 1e9,
    });
    assert.equal(run.summary.n, n);
    assert.equal(run.samples, undefined, 'too many classes to list every sample');
    assert.equal(run.uncertain.length, 5);
    for (const s of run.uncertain) {
      assert.equal(s.mean.length, 10);
      assert.equal(s.classes!.length, 10);
      assert.equal(s.passes!.length, 4);
      assert.ok(s.passes!.every((p) => p.length === 10));
      assert.ok(s.mean[0]! >= s.mean[9]!, 'most probable first');
    }
    // Per sample: entropy, MI and correct in the summary, nothing of size n × classes (2,000,000).
    const size = JSON.stringify(run).length;
    assert.ok(size < 200 * n, `result of ${size} characters`);
  });
});
