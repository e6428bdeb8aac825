// The onnxruntime McModel on small torchvision-like CNNs (test/fixtures/runtimes/generate.py: Clip,
// HardSigmoid, a batch-dependent Reshape, two Dropouts in the head) against PyTorch: the deterministic
// pass equals PyTorch's eval mode, the MC statistics agree with PyTorch's MC loop within 5 standard
// errors, and the deterministic prefix gives the same passes as the whole graph.
import * as assert from 'node:assert/strict';
import { runMcPasses } from '../../../src/core/engine/mc/mc';
import type { McModel } from '../../../src/core/engine/mc/runtime';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { readOnnx } from '../../../src/core/formats/onnx/reader';
import {
  openOnnxRuntimeModel,
  type OnnxRuntimeOptions,
} from '../../../src/core/runtimes/onnxruntime/onnxruntime-model';
import { assertAgreesWithReference, assertAllClose, readMcReference } from '../engine/mc-helpers';

const dir = 'test/fixtures/runtimes';
const { reference, x } = readMcReference(`${dir}/reference.json`);

async function open(name: string, options: OnnxRuntimeOptions = {}): Promise<McModel> {
  const source = nodeModelSource(`${dir}/${name}`);
  return openOnnxRuntimeModel(source, readOnnx(source), options);
}

/** Every pass's probabilities, pass-major, and the statistics. */
async function mc(model: McModel, passes: number, seed: number) {
  const all = new Float32Array(passes * reference.mean.length);
  const result = await runMcPasses(
    await model.passes(x, { passes, seed }),
    { passes, seed },
    { onChunk: (probs, first, k) => all.set(probs.subarray(0, k * 40), first * 40) },
  );
  return { all, stats: result.stats };
}

const assertAgreesWithPyTorch = (
  stats: { mean: ArrayLike<number>; variance: ArrayLike<number> },
  T: number,
) => assertAgreesWithReference(stats, reference, T, 'PyTorch');

describe('onnxruntime McModel on a small CNN, against PyTorch', () => {
  it('runs its MobileNet-like ops and splits the head off: the deterministic pass equals PyTorch eval', async () => {
    const model = await open('tiny-cnn-mc.onnx');
    try {
      assert.deepEqual(model.inputShape, [3, 16, 16]);
      assert.ok(
        model.notes.some((n) => /^prefix: \d+ of \d+ nodes run once/.test(n)),
        model.notes.join('; '),
      );
      assertAllClose(await model.deterministic(x), reference.deterministic, 1e-5, 'probabilities');
    } finally {
      await model.dispose();
    }
  });

  it('MC mean and variance agree with a PyTorch MC loop within 5 standard errors (T = 2000)', async () => {
    const model = await open('tiny-cnn-mc.onnx');
    try {
      const { stats } = await mc(model, 2000, 3);
      assert.ok(
        stats.variance.some((v) => v > 1e-5),
        'the dropout is stochastic',
      );
      assertAgreesWithPyTorch(stats, 2000);
    } finally {
      await model.dispose();
    }
  });

  it('the prefix once and the whole graph per pass give the same passes (same seed: same masks)', async () => {
    const prefix = await open('tiny-cnn-mc.onnx');
    const whole = await open('tiny-cnn-mc.onnx', { wholeGraph: true });
    try {
      assert.ok(whole.notes.includes('whole graph per pass, as asked'));
      const a = await mc(prefix, 50, 9);
      const b = await mc(whole, 50, 9);
      assertAllClose(a.all, b.all, 1e-5, 'passes');
      const c = await mc(await open('tiny-cnn-mc.onnx'), 50, 10);
      assert.ok(
        c.all.some((v, i) => Math.abs(v - a.all[i]!) > 1e-3),
        'another seed draws other masks',
      );
    } finally {
      await prefix.dispose();
      await whole.dispose();
    }
  });

  it('a model exported in training mode runs BatchNormalization in inference mode', async () => {
    const model = await open('tiny-cnn-bn-train.onnx');
    try {
      assert.ok(model.notes.some((n) => /2 BatchNormalization node\(s\) switched to inference mode/.test(n)));
      assertAllClose(await model.deterministic(x), reference.deterministic, 1e-5, 'probabilities');
      assertAgreesWithPyTorch((await mc(model, 2000, 4)).stats, 2000);
    } finally {
      await model.dispose();
    }
  });

  it('an op set 9 export (Dropout-7, no training flag) runs stochastic, as PyTorch does', async () => {
    const model = await open('tiny-cnn-opset9.onnx');
    try {
      assertAllClose(await model.deterministic(x), reference.deterministic, 1e-5, 'probabilities');
      assertAgreesWithPyTorch((await mc(model, 2000, 5)).stats, 2000);
    } finally {
      await model.dispose();
    }
  });
});
