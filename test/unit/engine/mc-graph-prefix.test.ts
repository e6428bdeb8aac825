// MC passes of ONNX and tfjs layers files compute the deterministic prefix (the row-wise layers before the
// first dropout) once and run only the rest per pass: the statistics must equal those of running the whole
// graph every pass, with the same masks (each dropout layer draws from its own stream).
import * as assert from 'node:assert/strict';
import { runMcPasses } from '../../../src/core/engine/mc/mc';
import { graphInputShape, graphMcPasses } from '../../../src/core/engine/mc/graph';
import { Rng } from '../../../src/core/random/rng';
import { GraphRunner } from '../../../src/core/engine/graph/run-graph';
import { openModel } from '../../../src/core/formats/detect';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';

const MODELS: { path: string; prefix: number; n?: number; passes?: number }[] = [
  { path: 'test/fixtures/tfjs/mlp/model.json', prefix: 1 },
  { path: 'test/fixtures/tfjs/cnn/model.json', prefix: 2 },
  { path: 'test/fixtures/mc-onnx/mlp-dropout.onnx', prefix: 2 },
  // Fire modules join their two branches along the channels (Concat, axis 1): rows stay apart.
  { path: 'test/fixtures/architectures/squeezenet1_0_opset13_train.onnx', prefix: 61, n: 1, passes: 4 },
];

async function stats(path: string, wholeGraph: boolean, n = 24, T = 20) {
  const source = nodeModelSource(path);
  const graph = openModel(source);
  const runner = await GraphRunner.load(graph, source);
  const shape = graphInputShape(graph);
  const rng = new Rng(3);
  const x = Float32Array.from({ length: n * shape.reduce((a, b) => a * b, 1) }, () => rng.next() * 2 - 1);
  const options = { passes: T, seed: 7, every: 5 };
  const passes = graphMcPasses(runner, { data: x, shape: [n, ...shape] }, options, wholeGraph);
  return { ...(await runMcPasses(passes, options)), prefixLayers: passes.prefixLayers };
}

describe('MC passes of graph models: the deterministic prefix once', () => {
  for (const { path, prefix, n, passes } of MODELS) {
    it(`${path}: ${prefix} layer(s) once, the same statistics as the whole graph every pass`, async function () {
      // SqueezeNet's 0.8 billion multiply-adds per pass take seconds on the JavaScript kernels.
      this.timeout(180_000);
      const once = await stats(path, false, n, passes);
      const whole = await stats(path, true, n, passes);
      assert.equal(once.prefixLayers, prefix);
      assert.equal(whole.prefixLayers, 0);
      const worst = (a: Float64Array, b: Float64Array) =>
        a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);
      assert.ok(worst(once.stats.mean, whole.stats.mean) < 1e-6, 'mean');
      assert.ok(worst(once.stats.variance, whole.stats.variance) < 1e-6, 'variance');
      // The passes were random: the masks did something.
      assert.ok(whole.stats.variance.some((v) => v > 1e-8));
    });
  }
});
