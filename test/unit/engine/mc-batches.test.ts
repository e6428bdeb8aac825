// MC passes over a stream arrive a batch of samples at a time. Each stochastic layer draws a block (one
// pass over one batch) from the place in its stream that block has in one batch over every sample
// (pass-major: pass t, sample i starts at draw (t·N + i)·width), so the statistics of every sample are
// the same, bit for bit, however the samples are batched: for every dropout variant, consistent masks,
// DropConnect, and the graph executor's dropout ops.
import * as assert from 'node:assert/strict';
import { runMc, runMcPasses, type McOptions } from '../../../src/core/engine/mc/mc';
import { graphInputShape, graphMcPasses } from '../../../src/core/engine/mc/graph';
import type { McStats } from '../../../src/core/engine/mc/uncertainty';
import { Network } from '../../../src/core/engine/network';
import { GraphRunner } from '../../../src/core/engine/graph/run-graph';
import type { LayerSpec } from '../../../src/core/model/network-spec';
import { openModel } from '../../../src/core/formats/detect';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { Rng } from '../../../src/core/random/rng';
import type { Tensor } from '../../../src/core/engine/tensor';

const head: LayerSpec[] = [
  { type: 'dense', name: 'fc1', units: 6 },
  { type: 'activation', name: 'relu1', activation: 'relu' },
];
const NETS: Record<string, LayerSpec[]> = {
  standard: [...head, { type: 'dropout', name: 'd', variant: 'standard', rate: 0.4 }],
  // 6 × 5 normals per pass: odd counts per sample put Box-Muller pairs across samples and passes.
  gaussian: [
    { type: 'dense', name: 'fc1', units: 5 },
    { type: 'dropout', name: 'd', variant: 'gaussian', rate: 0.3 },
  ],
  alpha: [...head, { type: 'dropout', name: 'd', variant: 'alpha', rate: 0.2 }],
  noise: [...head, { type: 'dropout', name: 'd', variant: 'gaussian-noise', rate: 0, stddev: 0.5 }],
  dropconnect: [...head, { type: 'dense', name: 'dc', units: 4, dropConnect: 0.3 }],
};

function rows(n: number, width: number): Float32Array {
  const rng = new Rng(11);
  return Float32Array.from({ length: n * width }, () => rng.normal());
}

/** Statistics of consecutive batches of samples as one. */
function concat(parts: McStats[]): McStats {
  const join = <T extends Float64Array | Int32Array>(pick: (s: McStats) => T, make: new (n: number) => T) => {
    const out = new make(parts.reduce((a, s) => a + pick(s).length, 0));
    parts.reduce((at, s) => (out.set(pick(s), at), at + pick(s).length), 0);
    return out;
  };
  return {
    ...parts[0]!,
    n: parts.reduce((a, s) => a + s.n, 0),
    mean: join((s) => s.mean, Float64Array),
    variance: join((s) => s.variance, Float64Array),
    expectedEntropy: join((s) => s.expectedEntropy, Float64Array),
    votes: join((s) => s.votes, Int32Array),
  };
}

/** The statistics of `x`'s rows run in batches of the given sizes, put back together. */
async function inBatches(
  run: (x: Tensor, options: McOptions) => Promise<McStats>,
  x: Tensor,
  sizes: number[],
  options: McOptions,
): Promise<McStats> {
  const n = x.shape[0] as number;
  const width = x.data.length / n;
  const parts: McStats[] = [];
  for (let offset = 0, b = 0; offset < n; offset += sizes[b++]!) {
    const m = Math.min(sizes[b]!, n - offset);
    const part = {
      data: x.data.slice(offset * width, (offset + m) * width),
      shape: [m, ...x.shape.slice(1)],
    };
    parts.push(await run(part, { ...options, window: { offset, total: n } }));
  }
  return concat(parts);
}

const same = (a: McStats, b: McStats, what: string) => {
  for (const key of ['mean', 'variance', 'expectedEntropy', 'votes'] as const)
    assert.deepEqual(Array.from(a[key]), Array.from(b[key]), `${what}: ${key}`);
  assert.ok(
    a.variance.some((v) => v > 1e-6),
    `${what}: the passes differ`,
  );
};

describe('MC passes in batches of samples', () => {
  for (const [name, specs] of Object.entries(NETS))
    for (const masks of ['fresh', 'consistent'] as const) {
      it(`${name}, ${masks} masks: batches of 4, 1 and 5 give the statistics of one batch of 10`, async () => {
        const net = new Network([3], [...specs, { type: 'dense', name: 'out', units: 3 }]);
        net.init(new Rng(5));
        const x = { data: rows(10, 3), shape: [10, 3] };
        const options: McOptions = { passes: 9, seed: 4, masks, every: 4, maxElements: 60 };
        const run = async (t: Tensor, o: McOptions) => (await runMc(net, t, o)).stats;
        same(await inBatches(run, x, [4, 1, 5], options), await run(x, options), name);
      });
    }

  for (const path of ['test/fixtures/mc-onnx/mlp-dropout.onnx', 'test/fixtures/tfjs/cnn/model.json'])
    it(`${path}: the graph executor's dropout draws the same masks in batches`, async () => {
      const source = nodeModelSource(path);
      const runner = await GraphRunner.load(openModel(source), source);
      const shape = graphInputShape(runner.graph);
      const x = {
        data: rows(
          7,
          shape.reduce((a, b) => a * b, 1),
        ),
        shape: [7, ...shape],
      };
      const options: McOptions = { passes: 6, seed: 2, every: 3 };
      const run = async (t: Tensor, o: McOptions) =>
        (await runMcPasses(graphMcPasses(runner, t, o), o)).stats;
      same(await inBatches(run, x, [3, 3, 1], options), await run(x, options), path);
    });
});
