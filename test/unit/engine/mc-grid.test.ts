// MC maps over the plane (2-D data): on a hand-made network whose dropout masks can be enumerated, the
// grid's predictive entropy and mutual information match the exact expectations over the 2³ masks
// (computed here by hand) within sampling error; where every hidden unit is 0, dropout changes nothing and
// MI is 0; the maps are the MC passes of the cell centres as ordinary rows; the evaluated rows' figures do
// not change when the maps are added; the maps stream with the partial results and stop on cancel.
import * as assert from 'node:assert/strict';
import type { Dataset } from '../../../src/core/data/dataset';
import { planeOver } from '../../../src/core/engine/train/boundary';
import { runMc } from '../../../src/core/engine/mc/mc';
import { gridSeed, type McGrid } from '../../../src/core/engine/mc/grid';
import { prepareNetwork, runMcSession, type McSessionInput } from '../../../src/core/engine/mc/session';
import { trainingSpec } from '../../../src/core/model/training-spec';
import { mutualInformation, predictiveEntropy } from '../../../src/core/engine/mc/uncertainty';
import { readNnJson } from '../../../src/core/formats/nnjson/reader';
import { assertAllClose } from './mc-helpers';

const graph = readNnJson(
  JSON.stringify({
    format: 'dropout-lens/nn',
    version: 1,
    name: 'plane',
    input: { shape: [2] },
    layers: [
      { type: 'dense', units: 3, activation: 'relu' },
      { type: 'dropout', rate: 0.5 },
      { type: 'dense', units: 2, activation: 'softmax' },
    ],
    training: { data: 'builtin:moons', validationSplit: 0, epochs: 1, batchSize: 8, seed: 1 },
  }),
);
// h = relu(W1·x): x, y and x + y. All three are 0 where x ≤ 0 and y ≤ 0.
const W1 = [
  [1, 0],
  [0, 1],
  [1, 1],
];
const W2 = [
  [0.6, -0.4, 0.3],
  [-0.5, 0.5, -0.2],
];
const B2 = [0.1, -0.1];
const weights = {
  kind: 'flat' as const,
  values: Float32Array.from([...W1.flat(), 0, 0, 0, ...W2.flat(), ...B2]),
};
// 7 × 7 points on [-1, 1]², labelled by x > y: symmetric, so standardising keeps 0 at 0.
const data: Dataset = (() => {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < 7; i++)
    for (let j = 0; j < 7; j++) {
      xs.push(-1 + i / 3, -1 + j / 3);
      ys.push(i > j ? 1 : 0);
    }
  return { x: Float32Array.from(xs), y: Int32Array.from(ys), n: 49, shape: [2], classes: 2 };
})();
const SIZE = 12;

function input(passes: number, seed: number, grid?: number, masks: 'fresh' | 'consistent' = 'fresh') {
  return {
    graph,
    data,
    spec: trainingSpec(graph),
    weights,
    mc: { passes, seed, masks, everySample: true },
    ...(grid ? { grid } : {}),
  } satisfies McSessionInput;
}

/** The cell centres, row-major from the bottom row, as the grid's extent defines them (float32 inputs). */
function centres(grid: McGrid): [number, number][] {
  const [x0, x1, y0, y1] = grid.extent;
  const out: [number, number][] = [];
  for (let r = 0; r < grid.size; r++)
    for (let c = 0; c < grid.size; c++)
      out.push([
        Math.fround(x0 + ((c + 0.5) / grid.size) * (x1 - x0)),
        Math.fround(y0 + ((r + 0.5) / grid.size) * (y1 - y0)),
      ]);
  return out;
}

const entropy = (p: number[]) => -p.reduce((s, q) => s + (q > 0 ? q * Math.log(q) : 0), 0);

/** Exact MC-dropout expectations at (x, y): every keep/drop mask of the 3 hidden units, each with probability 1/8. */
function exact(x: number, y: number) {
  const h = W1.map(([a, b]) => Math.max(0, a! * x + b! * y));
  const mean = [0, 0];
  let expectedEntropy = 0;
  for (let mask = 0; mask < 8; mask++) {
    const kept = h.map((v, i) => ((mask >> i) & 1 ? 2 * v : 0)); // inverted dropout: kept units × 1/(1 − 0.5)
    const logits = W2.map((w, k) => w.reduce((s, wi, i) => s + wi * kept[i]!, B2[k]!));
    const top = Math.max(...logits);
    const e = logits.map((l) => Math.exp(l - top));
    const p = e.map((v) => v / (e[0]! + e[1]!));
    p.forEach((q, k) => (mean[k]! += q / 8));
    expectedEntropy += entropy(p) / 8;
  }
  return {
    mean,
    entropy: entropy(mean),
    mutualInfo: entropy(mean) - expectedEntropy,
    dead: h.every((v) => v === 0),
  };
}

describe('MC maps over the plane', () => {
  it('match the exact expectations over all dropout masks within sampling error (T = 10 000)', async () => {
    const run = await runMcSession(input(10_000, 3, SIZE));
    const grid = run.grid!;
    assert.equal(grid.size, SIZE);
    for (const a of [grid.cls, grid.prob, grid.entropy, grid.mutualInfo]) assert.equal(a.length, SIZE * SIZE);
    let worstH = 0;
    let worstMi = 0;
    let live = 0;
    centres(grid).forEach(([x, y], i) => {
      const want = exact(x, y);
      worstH = Math.max(worstH, Math.abs(grid.entropy[i]! - want.entropy));
      worstMi = Math.max(worstMi, Math.abs(grid.mutualInfo[i]! - want.mutualInfo));
      if (Math.abs(want.mean[0]! - want.mean[1]!) > 0.05)
        assert.equal(grid.cls[i], want.mean[0]! > want.mean[1]! ? 0 : 1, `cell ${i}: class`);
      if (want.dead) {
        // No hidden unit to drop: every pass is the same, so the passes carry no information.
        assert.ok(
          grid.mutualInfo[i]! <= 1e-12,
          `cell ${i} (${x}, ${y}): MI ${grid.mutualInfo[i]} where dropout has no effect`,
        );
        assert.ok(Math.abs(grid.entropy[i]! - want.entropy) < 1e-6, `cell ${i}: deterministic entropy`);
      } else if (want.mutualInfo > 0.01) live++;
    });
    // Sampling error at T = 10 000: about 0.003 nats per cell at most, 0.0063 the worst over 144 cells.
    assert.ok(worstH < 0.02, `worst entropy error ${worstH}`);
    assert.ok(worstMi < 0.02, `worst MI error ${worstMi}`);
    assert.ok(live > SIZE, `cells where dropout matters: ${live}`);
    assert.ok(
      grid.mutualInfo.some((v) => v > 0.01),
      'MI is positive where the hidden units are active',
    );
  });

  it('are the MC passes of the cell centres run as ordinary rows, with their own mask stream', async () => {
    for (const masks of ['fresh', 'consistent'] as const) {
      const run = await runMcSession(input(40, 7, SIZE, masks));
      const grid = run.grid!;
      const { net } = await prepareNetwork(input(40, 7));
      const cells = Float32Array.from(centres(grid).flat());
      const rows = await runMc(
        net,
        { data: cells, shape: [SIZE * SIZE, 2] },
        { passes: 40, seed: gridSeed(7), masks },
      );
      assertAllClose(grid.entropy, predictiveEntropy(rows.stats), 1e-12, `${masks}: entropy`);
      assertAllClose(grid.mutualInfo, mutualInformation(rows.stats), 1e-12, `${masks}: MI`);
    }
  });

  it('leave the evaluated rows figures and per-pass probabilities unchanged', async () => {
    const chunks = (grid?: number) => {
      const seen: number[] = [];
      return { seen, run: runMcSession(input(25, 11, grid), { onChunk: (p) => seen.push(...p) }) };
    };
    const plain = chunks();
    const mapped = chunks(SIZE);
    const [a, b] = await Promise.all([plain.run, mapped.run]);
    assert.equal(a.grid, undefined);
    assert.ok(b.grid);
    assert.deepEqual(b.samples, a.samples);
    assert.deepEqual(b.summary, a.summary);
    assert.equal(b.summary.n, 49);
    assert.deepEqual(mapped.seen, plain.seen);
  });

  it('stream with the partial results and stop on cancel', async () => {
    const seen: number[] = [];
    let partials = 0;
    const run = await runMcSession(
      { ...input(100, 1, SIZE), mc: { passes: 100, seed: 1, masks: 'fresh', every: 10 } },
      {
        onGrid: (g) => seen.push(g.entropy.length),
        onPartial: (_, result) => {
          partials++;
          assert.equal(result().summary.n, 49);
        },
        isCancelled: () => partials >= 3,
      },
    );
    assert.equal(run.cancelled, true);
    assert.equal(run.summary.passes, 30);
    assert.deepEqual(seen, [SIZE * SIZE, SIZE * SIZE, SIZE * SIZE]);
    assert.equal(run.grid!.entropy.length, SIZE * SIZE);
  });

  it('are not made for data that are not 2-D', async () => {
    const wide = { ...data, x: Float32Array.from({ length: 49 * 3 }, (_, i) => Math.sin(i)), shape: [3] };
    const g3 = readNnJson(
      JSON.stringify({
        format: 'dropout-lens/nn',
        version: 1,
        name: 'wide',
        input: { shape: [3] },
        layers: [
          { type: 'dense', units: 2, activation: 'relu' },
          { type: 'dropout', rate: 0.5 },
          { type: 'dense', units: 2, activation: 'softmax' },
        ],
        training: { data: 'builtin:iris', validationSplit: 0, epochs: 1, batchSize: 8, seed: 1 },
      }),
    );
    const run = await runMcSession({
      graph: g3,
      data: wide,
      spec: trainingSpec(g3),
      weights: { kind: 'flat', values: new Float32Array(3 * 2 + 2 + 2 * 2 + 2).fill(0.1) },
      mc: { passes: 10, seed: 1 },
      grid: SIZE,
    });
    assert.equal(run.grid, undefined);
  });

  it('overlay a sample of the points that keeps both classes of data stored in alternating order', () => {
    const n = 1000;
    const alternating: Dataset = {
      x: Float32Array.from({ length: 2 * n }, (_, i) => Math.cos(i)),
      y: Int32Array.from({ length: n }, (_, i) => i % 2),
      n,
      shape: [2],
      classes: 2,
    };
    const plane = planeOver(alternating, 4);
    assert.equal(plane.points.length, 300);
    const ones = plane.points.filter((p) => p[2] === 1).length;
    assert.ok(ones > 100 && ones < 200, `class 1: ${ones} of 300`);
  });
});
