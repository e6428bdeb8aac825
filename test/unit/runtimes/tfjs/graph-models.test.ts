// tfjs graph models on the tfjs runtime: a real converter-made MobileNetV2 graph (nsfwjs, its dropout
// folded away by the converter) and the hand-written graph with TF 2 and TF 1 dropout subgraphs
// (test/fixtures/tfjs-graph-dropout), against tfjs-converter's own GraphModel.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfc from '@tensorflow/tfjs-converter';
import type { io } from '@tensorflow/tfjs-core';
import { McNoStochasticLayerError } from '../../../../src/core/engine/mc/mc';
import type { ModelSource } from '../../../../src/core/formats/reader';
import { openTfjsRuntimeModel } from '../../../../src/core/runtimes/tfjs/open';
import {
  artifacts,
  collect,
  diskExample,
  inputs,
  lcg,
  mcFigures,
  seededMathRandom,
  type Example,
} from './support';
import { assertAgree, productPasses } from './mc-check';

const FIXTURES = join(__dirname, '../../../../../test/fixtures');
const graph = { format: 'tfjs-graph' } as never;

/**
 * The hand-written dropout graph as tensorflowjs_converter would write it: every Const's value moved into
 * the weights (its inline scalar, or seeded numbers for the dense layer, which the file leaves empty).
 */
function dropoutGraph(): Example {
  const path = join(FIXTURES, 'tfjs-graph-dropout', 'model.json');
  const json = JSON.parse(readFileSync(path, 'utf8')) as io.ModelJSON;
  const next = lcg(5);
  const specs: io.WeightsManifestEntry[] = [];
  const values: number[] = [];
  type Node = { name: string; op: string; attr?: { value?: { tensor?: Record<string, unknown> } } };
  for (const node of (json.modelTopology as { node: Node[] }).node) {
    const tensor = node.attr?.value?.tensor;
    if (node.op !== 'Const' || !tensor) continue;
    const dims = ((tensor.tensorShape as { dim?: { size: string }[] }).dim ?? []).map((d) => Number(d.size));
    const inline = tensor.floatVal as number[] | undefined;
    const n = dims.reduce((a, d) => a * d, 1);
    values.push(...(inline ?? Array.from({ length: n }, () => 2 * next() - 1)));
    specs.push({ name: node.name, shape: dims, dtype: 'float32' });
  }
  const weights = new Float32Array(values).buffer;
  const converted = { ...json, weightsManifest: [{ paths: ['weights.bin'], weights: specs }] };
  const bytes = new TextEncoder().encode(JSON.stringify(converted));
  const source: ModelSource = { path, bytes, readSibling: async () => new Uint8Array(weights) };
  return { source, json: converted, weights };
}

describe('tfjs runtime: graph models', function () {
  this.timeout(120_000);

  it("runs a converter-made MobileNetV2 graph as tfjs's GraphModel.predict does (within 1e-5), and says it has nothing random", async () => {
    const example = diskExample(join(FIXTURES, 'tfjs-graph-nsfwjs-mobilenet_v2_mid', 'model.json'));
    const model = await openTfjsRuntimeModel(example.source, graph);
    const reference = await tfc.loadGraphModel(tf.io.fromMemory(artifacts(example)));
    try {
      assert.deepEqual(model.inputShape, [224, 224, 3]);
      const n = 2;
      const x = inputs(n, model.inputShape, 17);
      const ours = await model.deterministic({ data: x, shape: [n, ...model.inputShape] });
      const y = tf.tidy(() => reference.predict(tf.tensor(x, [n, 224, 224, 3])) as tf.Tensor);
      const expected = y.dataSync();
      y.dispose();
      assert.equal(ours.length, expected.length);
      for (let i = 0; i < ours.length; i++)
        assert.ok(Math.abs(ours[i]! - expected[i]!) <= 1e-5, `value ${i}`);
      await assert.rejects(
        model.passes({ data: x, shape: [n, ...model.inputShape] }, { passes: 3, seed: 1 }),
        McNoStochasticLayerError,
      );
    } finally {
      await model.dispose();
      reference.dispose();
    }
  });

  it('keeps the random ops of a graph random: its MC statistics are those of a GraphModel loop, within 4.5 standard errors', async () => {
    const example = dropoutGraph();
    const model = await openTfjsRuntimeModel(example.source, graph);
    const reference = await tfc.loadGraphModel(tf.io.fromMemory(artifacts(example)));
    try {
      assert.equal(model.engine.name, 'tfjs-wasm');
      assert.match(model.notes.join('\n'), /2 random op\(s\)/);
      const n = 6;
      const passes = 400;
      const x = inputs(n, [4], 23);
      const ours = await productPasses(model, { data: x, shape: [n, 4] }, passes, 3);
      const theirs = seededMathRandom(29, () =>
        collect(passes, () => tf.tidy(() => reference.predict(tf.tensor(x, [n, 4])) as tf.Tensor)),
      );
      const figures = mcFigures(ours.probs, passes, n, ours.classes);
      assert.ok(figures.meanMutualInfo > 1e-3, `the dropout must matter (MI ${figures.meanMutualInfo})`);
      assertAgree(figures, mcFigures(theirs, passes, n, ours.classes), 'dropout graph');
    } finally {
      await model.dispose();
      reference.dispose();
    }
  });
});
