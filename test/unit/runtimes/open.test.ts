// Which runtime runs MC on a model file: the own engine when it supports every op, else the format's
// runtime (onnxruntime for ONNX, TensorFlow.js for tfjs); --engine forces one; a model nothing can run is
// an EngineError naming the op and node the engine lacks and why the runtime failed. The runtimes are
// stand-ins here: each reports that it was asked.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { EngineError } from '../../../src/core/engine/engine-error';
import { unsupportedLayer } from '../../../src/core/engine/graph/run-graph';
import { McNoStochasticLayerError } from '../../../src/core/engine/mc/mc';
import type { McModel } from '../../../src/core/engine/mc/runtime';
import { openModel } from '../../../src/core/formats/detect';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { multiplyAddsPerSample } from '../../../src/core/engine/multiply-adds';
import {
  OWN_ENGINE_MAX_MULTIPLY_ADDS,
  openMcModel,
  type RuntimeOpeners,
} from '../../../src/core/runtimes/open';

const open = (path: string) => {
  const source = nodeModelSource(path);
  return { graph: openModel(source), source };
};
const SUPPORTED = 'test/fixtures/mc-onnx/mlp-dropout.onnx';
/** ConvNeXt's LayerNorm is a ReduceMean the own engine lacks. */
const CONVNEXT = 'test/fixtures/architectures/convnext_tiny_opset13_eval.onnx';
const TFJS = 'test/fixtures/tfjs/mlp/model.json';

function standIns(asked: string[], fail = false): RuntimeOpeners {
  const stand = (name: string) => async (_g: unknown, _s: unknown, options: { threads?: number }) => {
    asked.push(`${name}:${options.threads ?? '-'}`);
    if (fail) throw new Error(`${name} refused the model`);
    return { engine: { name, threads: options.threads }, notes: [] } as unknown as McModel;
  };
  return { onnxruntime: stand('onnxruntime'), tfjs: stand('tfjs') };
}

describe('openMcModel: the runtime for a model file', () => {
  it('auto: the own engine when it supports every op', async () => {
    const asked: string[] = [];
    for (const path of [SUPPORTED, TFJS]) {
      const { graph, source } = open(path);
      const model = await openMcModel(graph, source, {}, standIns(asked));
      assert.equal(model.engine.name, 'dropout-lens', path);
      assert.deepEqual(model.inputShape, path === SUPPORTED ? [6] : [8]);
      assert.match(model.notes[0]!, /^prefix: \d+ of \d+ layers run once per input/);
    }
    assert.deepEqual(asked, []);
  });

  it('auto: onnxruntime for an ONNX op the engine lacks; --engine forces a runtime', async () => {
    const asked: string[] = [];
    const convnext = open(CONVNEXT);
    assert.equal(
      (await openMcModel(convnext.graph, convnext.source, {}, standIns(asked))).engine.name,
      'onnxruntime',
    );
    const mlp = open(SUPPORTED);
    const forced = await openMcModel(
      mlp.graph,
      mlp.source,
      { engine: 'onnxruntime', threads: 2 },
      standIns(asked),
    );
    assert.deepEqual(forced.engine, { name: 'onnxruntime', threads: 2 });
    const tfjs = open(TFJS);
    assert.equal(
      (await openMcModel(tfjs.graph, tfjs.source, { engine: 'tfjs' }, standIns(asked))).engine.name,
      'tfjs',
    );
    assert.deepEqual(asked, ['onnxruntime:-', 'onnxruntime:2', 'tfjs:-']);
  });

  it("counts a model's multiply-adds per sample as torchvision's weights metadata gives them (within 1 %)", () => {
    // torchvision's `_ops` (GFLOPS, counted as multiply-adds) of each model's IMAGENET1K_V1 weights.
    const torchvision = {
      alexnet: 0.714,
      squeezenet1_0: 0.819,
      vgg11: 7.609,
      resnet18: 1.814,
      convnext_tiny: 4.456,
    };
    for (const [name, gmacs] of Object.entries(torchvision)) {
      const { graph } = open(`test/fixtures/architectures/${name}_opset13_eval.onnx`);
      const ours = multiplyAddsPerSample(graph) / 1e9;
      assert.ok(Math.abs(ours / gmacs - 1) < 0.01, `${name}: ${ours} against ${gmacs}`);
    }
  });

  it('auto: the format runtime for a large model the engine supports, the engine when that runtime fails', async () => {
    const asked: string[] = [];
    const alexnet = open('test/fixtures/architectures/alexnet_opset13_train.onnx');
    assert.ok(multiplyAddsPerSample(alexnet.graph) > OWN_ENGINE_MAX_MULTIPLY_ADDS);
    assert.ok(!unsupportedLayer(alexnet.graph), 'the own engine runs every op of AlexNet');
    const model = await openMcModel(alexnet.graph, alexnet.source, { threads: 2 }, standIns(asked));
    assert.equal(model.engine.name, 'onnxruntime');
    assert.match(model.notes.at(-1)!, /^onnxruntime runs it: 715 million multiply-adds per sample/);
    assert.deepEqual(asked, ['onnxruntime:2']);
    // SqueezeNet's file holds its weights: the engine takes it when onnxruntime refuses it.
    const squeezenet = open('test/fixtures/architectures/squeezenet1_0_opset13_train.onnx');
    const own = await openMcModel(squeezenet.graph, squeezenet.source, {}, standIns([], true));
    try {
      assert.equal(own.engine.name, 'dropout-lens');
      assert.match(
        own.notes.at(-1)!,
        /^the own engine runs it \(823 million .*: onnxruntime refused the model$/,
      );
    } finally {
      await own.dispose();
    }
  });

  it('names the op and node when no runtime can run the model', async () => {
    const { graph, source } = open(CONVNEXT);
    await assert.rejects(openMcModel(graph, source, {}, standIns([], true)), (e: unknown) => {
      assert.ok(e instanceof EngineError);
      assert.match(
        e.message,
        /unsupported op "ReduceMean" at node "\/features\/features\.0\/features\.0\.1\/ReduceMean" \(#2\), and onnxruntime cannot run it either: onnxruntime refused the model/,
      );
      return true;
    });
    await assert.rejects(openMcModel(graph, source, {}, {}), /onnxruntime runtime is not available/);
    await assert.rejects(
      openMcModel(graph, source, { engine: 'own' }, standIns([])),
      /unsupported op "ReduceMean"/,
    );
    await assert.rejects(
      openMcModel(graph, source, { engine: 'tfjs' }, standIns([])),
      /tfjs does not run onnx models/,
    );
  });
});

describe('openMcModel: TensorFlow.js as the runtime for tfjs models', function () {
  this.timeout(120_000);

  it('a layers model with a layer the engine lacks (ZeroPadding2D) runs on tfjs-wasm, as tfjs predicts it', async () => {
    const path = 'test/fixtures/tfjs/mobilenet_v2_like';
    const { graph, source } = open(`${path}/model.json`);
    const expected = JSON.parse(readFileSync(`${path}/expected.json`, 'utf8')) as {
      input: { shape: number[]; values: number[] };
      prediction: { values: number[] };
    };
    const model = await openMcModel(graph, source);
    try {
      assert.equal(model.engine.name, 'tfjs-wasm');
      assert.deepEqual(model.inputShape, [32, 32, 3]);
      const x = { data: Float32Array.from(expected.input.values), shape: expected.input.shape };
      const p = await model.deterministic(x);
      assert.equal(p.length, expected.prediction.values.length);
      p.forEach((v, i) => assert.ok(Math.abs(v - expected.prediction.values[i]!) < 1e-5, `${i}: ${v}`));
      const forced = await openMcModel(graph, source, { engine: 'tfjs' });
      assert.equal(forced.engine.name, 'tfjs-wasm');
      await forced.dispose();
    } finally {
      await model.dispose();
    }
  });

  it('a graph model with no random op (nsfwjs MobileNetV2) is McNoStochasticLayerError', async () => {
    const path = '/work/shared/fixtures/real/tfjs-graph-nsfwjs-mobilenet_v2_mid/model.json';
    if (!existsSync(path)) return;
    const { graph, source } = open(path);
    const model = await openMcModel(graph, source);
    try {
      assert.equal(model.engine.name, 'tfjs-wasm');
      const x = { data: new Float32Array(224 * 224 * 3), shape: [1, 224, 224, 3] };
      await assert.rejects(model.passes(x, { passes: 2, seed: 1 }), McNoStochasticLayerError);
    } finally {
      await model.dispose();
    }
  });
});
