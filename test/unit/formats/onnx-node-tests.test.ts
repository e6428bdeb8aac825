// The ONNX project's backend node tests (test/fixtures/onnx-node-tests, see PROVENANCE.md): every model
// must open and lint, and every Dropout case must normalise as the Dropout spec of its op set says
// (onnx-shape-inference.test.ts checks the inferred shapes against them).
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { readOnnx } from '../../../src/core/formats/onnx/reader';
import { lintGraph } from '../../../src/core/lint/engine';
import type { DropoutSpec } from '../../../src/core/model/ir';

const ROOT = 'test/fixtures/onnx-node-tests';
const cases = readdirSync(ROOT).sort();
const open = (name: string, bytes = readFileSync(`${ROOT}/${name}/model.onnx`)) =>
  readOnnx({ path: name, bytes });

describe('ONNX reader on the ONNX backend node tests', () => {
  it('opens and lints all 233 models', () => {
    assert.equal(cases.length, 233);
    for (const name of cases) {
      const graph = open(name);
      assert.ok(graph.layers.length > 0, name);
      assert.ok(
        graph.outputs.every((o) => o.layerId !== undefined),
        `${name}: every output has its producing layer`,
      );
      lintGraph(graph);
    }
  });

  // Expected values from the ONNX Dropout spec: ratio defaults to 0.5 and training_mode to false;
  // ratio and training_mode fed as graph inputs are unknown until run time.
  const fromInput = { rate: NaN, rateSource: 'graph-input' } as const;
  const expected: Record<string, Partial<DropoutSpec['origin']> & { rate: number; opset: number }> = {
    test_dropout_default: {
      rate: 0.5,
      rateSource: 'default',
      trainingModeSource: 'default',
      maskConsumed: false,
      opset: 22,
    },
    test_dropout_default_mask: {
      rate: 0.5,
      rateSource: 'default',
      trainingModeSource: 'default',
      maskConsumed: true,
      opset: 22,
    },
    test_dropout_default_mask_ratio: {
      ...fromInput,
      trainingModeSource: 'default',
      maskConsumed: true,
      opset: 22,
    },
    test_dropout_default_ratio: {
      ...fromInput,
      trainingModeSource: 'default',
      maskConsumed: false,
      opset: 22,
    },
    test_dropout_default_old: { rate: 0.5, rateSource: 'default', maskConsumed: false, opset: 11 },
    test_dropout_random_old: { rate: 0.2, rateSource: 'attribute', maskConsumed: false, opset: 11 },
    test_training_dropout: {
      ...fromInput,
      trainingModeSource: 'graph-input',
      maskConsumed: false,
      opset: 22,
    },
    test_training_dropout_default: {
      ...fromInput,
      trainingModeSource: 'graph-input',
      maskConsumed: false,
      opset: 22,
    },
    test_training_dropout_default_mask: {
      ...fromInput,
      trainingModeSource: 'graph-input',
      maskConsumed: true,
      opset: 22,
    },
    test_training_dropout_mask: {
      ...fromInput,
      trainingModeSource: 'graph-input',
      maskConsumed: true,
      opset: 22,
    },
    test_training_dropout_zero_ratio: {
      ...fromInput,
      trainingModeSource: 'graph-input',
      maskConsumed: false,
      opset: 22,
    },
    test_training_dropout_zero_ratio_mask: {
      ...fromInput,
      trainingModeSource: 'graph-input',
      maskConsumed: true,
      opset: 22,
    },
  };

  it('covers every Dropout case in the suite', () => {
    assert.deepEqual(
      cases.filter((c) => /^test_(training_)?dropout/.test(c)),
      Object.keys(expected).sort(),
    );
  });

  for (const [name, want] of Object.entries(expected)) {
    it(`normalises ${name}`, () => {
      const layer = open(name).layers.find((l) => l.op === 'dropout');
      const spec = layer?.dropout as DropoutSpec;
      assert.ok(spec, 'a dropout layer');
      assert.equal(spec.variant, 'standard');
      assert.equal(spec.scaling, 'inverted');
      // training_mode from a graph input is the caller's choice: the graph itself is inference-safe.
      assert.equal(spec.mode, 'train-only');
      assert.ok(Object.is(spec.rate, want.rate), `rate ${spec.rate}`);
      assert.equal(spec.origin.rateSource, want.rateSource);
      assert.equal(spec.origin.trainingModeSource, want.trainingModeSource);
      assert.equal(spec.origin.maskConsumed, want.maskConsumed);
      assert.equal(spec.origin.opsetVersion, want.opset);
      assert.equal(spec.origin.isTest, undefined, 'is_test exists only in Dropout-1/-6');
      if (want.rateSource === 'graph-input') assert.deepEqual(spec.rawRate, { tensor: 'r' });
    });
  }
});
