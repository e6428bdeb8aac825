// The onnxruntime McModel against the own graph executor on samples/moons-mc.onnx (an MLP with dropout
// the own engine runs): the deterministic pass agrees within float rounding, and the MC statistics of
// the two engines (independent masks) agree within 5 standard errors of T passes.
import * as assert from 'node:assert/strict';
import { graphDeterministicProbs, graphMcPasses } from '../../../src/core/engine/mc/graph';
import { runMcPasses } from '../../../src/core/engine/mc/mc';
import { GraphRunner } from '../../../src/core/engine/graph/run-graph';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { readOnnx } from '../../../src/core/formats/onnx/reader';
import { openOnnxRuntimeModel } from '../../../src/core/runtimes/onnxruntime/onnxruntime-model';
import type { McModel } from '../../../src/core/engine/mc/runtime';
import { assertAllClose, assertWithinStandardErrors } from '../engine/mc-helpers';
import { EngineError } from '../../../src/core/engine/engine-error';

const file = 'samples/moons-mc.onnx';
/** A 16 × 12 grid over the two moons' square, [-1.5, 2.5] × [-1, 1.5]. */
const grid = Float32Array.from({ length: 16 * 12 * 2 }, (_, i) =>
  i % 2 === 0 ? -1.5 + (4 * ((i >> 1) % 16)) / 15 : -1 + (2.5 * Math.floor((i >> 1) / 16)) / 11,
);

describe('onnxruntime McModel on samples/moons-mc.onnx, against the own graph executor', () => {
  const source = nodeModelSource(file);
  const graph = readOnnx(source);
  let model: McModel;
  /**
   * The grid points the model is unsure of (deterministic probability in [0.05, 0.95]): there the pass
   * distribution has no rare far-off passes, so T passes estimate its spread well enough for a z-test.
   */
  let x: { data: Float32Array; shape: number[] };
  let rows: number;

  before(async () => {
    model = await openOnnxRuntimeModel(source, graph, { threads: 1 });
    const p = graphDeterministicProbs(await GraphRunner.load(graph, source), { data: grid, shape: [192, 2] });
    const keep = Array.from({ length: 192 }, (_, r) => r).filter((r) => p[2 * r]! > 0.05 && p[2 * r]! < 0.95);
    rows = keep.length;
    x = { data: Float32Array.from(keep.flatMap((r) => [grid[2 * r]!, grid[2 * r + 1]!])), shape: [rows, 2] };
    assert.ok(rows >= 8, `${rows} uncertain grid points`);
  });
  after(async () => model?.dispose());

  it('names its engine and input shape', () => {
    assert.equal(model.engine.name, 'onnxruntime-node');
    assert.match(model.engine.version ?? '', /^1\.\d+\.\d+$/);
    assert.equal(model.engine.threads, 1);
    assert.deepEqual(model.inputShape, [2]);
  });

  it('the deterministic probabilities equal the own executor within 1e-5', async () => {
    const runner = await GraphRunner.load(graph, source);
    const all = { data: grid, shape: [192, 2] };
    const own = graphDeterministicProbs(runner, all);
    const ort = await model.deterministic(all);
    assertAllClose(ort, own, 1e-5, 'probabilities');
  });

  it('the MC mean and variance agree with the own executor within 5 standard errors (T = 2000)', async () => {
    const T = 2000;
    const runner = await GraphRunner.load(graph, source);
    const passes = new Float64Array(T * rows * 2);
    const own = await runMcPasses(
      graphMcPasses(runner, x, { passes: T, seed: 11 }),
      { passes: T, seed: 11 },
      { onChunk: (probs, first, k) => passes.set(probs.subarray(0, k * rows * 2), first * rows * 2) },
    );
    const ort = await runMcPasses(await model.passes(x, { passes: T, seed: 5 }), { passes: T, seed: 5 });
    assert.ok(
      own.stats.variance.some((v) => v > 1e-3),
      'the own executor ran its dropout',
    );
    assertWithinStandardErrors(ort.stats, own.stats, passes, T, 'onnxruntime');
  });

  it('passes with two seeds run side by side (a grid with its own seed beside the main passes)', async () => {
    const first = await model.passes(x, { passes: 50, seed: 21 });
    const second = await model.passes(x, { passes: 50, seed: 22 });
    const a = await runMcPasses(first, { passes: 50, seed: 21 });
    const b = await runMcPasses(second, { passes: 50, seed: 22 });
    assert.ok(a.stats.variance.some((v) => v > 1e-3) && b.stats.variance.some((v) => v > 1e-3));
    assert.notDeepEqual(Array.from(a.stats.mean), Array.from(b.stats.mean), 'the two seeds draw other masks');
  });

  it('refuses one mask per pass ("consistent") with an EngineError naming the file', async () => {
    await assert.rejects(
      model.passes(x, { passes: 10, seed: 1, masks: 'consistent' }),
      (e: unknown) => e instanceof EngineError && e.message.includes(file) && /consistent/.test(e.message),
    );
  });
});
