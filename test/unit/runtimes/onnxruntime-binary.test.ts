// The onnxruntime McModel on a binary classifier with one sigmoid output unit
// (test/fixtures/runtimes/generate_binary.py): the unit p becomes the two classes [1 − p, p], so the
// deterministic pass equals PyTorch's eval mode and the MC statistics PyTorch's MC loop (within 5 standard
// errors), with entropy and mutual information above 0 (one softmaxed column would give 1 and 0).
import * as assert from 'node:assert/strict';
import { runMcPasses } from '../../../src/core/engine/mc/mc';
import { mutualInformation, predictiveEntropy } from '../../../src/core/engine/mc/uncertainty';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { readOnnx } from '../../../src/core/formats/onnx/reader';
import { openOnnxRuntimeModel } from '../../../src/core/runtimes/onnxruntime/onnxruntime-model';
import { assertAgreesWithReference, assertAllClose, readMcReference } from '../engine/mc-helpers';

const dir = 'test/fixtures/runtimes';
const { reference, x } = readMcReference(`${dir}/binary-reference.json`);

describe('onnxruntime McModel on a one-unit sigmoid classifier, against PyTorch', () => {
  it('gives two classes [1 − p, p]: deterministic equals PyTorch eval, MC agrees with its MC loop', async () => {
    const source = nodeModelSource(`${dir}/binary-mc.onnx`);
    const model = await openOnnxRuntimeModel(source, readOnnx(source));
    try {
      assertAllClose(await model.deterministic(x), reference.deterministic, 1e-6, 'probabilities');
      const T = 4000;
      const passes = await model.passes(x, { passes: T, seed: 3 });
      assert.equal(passes.classes, 2);
      const { stats } = await runMcPasses(passes, { passes: T, seed: 3 });
      assertAgreesWithReference(stats, reference, T, 'PyTorch');
      // The rows' p lie in 0.3 .. 0.7 (the reference), so H[E p] > 0.5 nats; MI > 0 where passes differ.
      assert.ok(
        predictiveEntropy(stats).every((h) => h > 0.5),
        `entropy ${predictiveEntropy(stats)}`,
      );
      assert.ok(
        mutualInformation(stats).every((mi) => mi > 0),
        `mutual information ${mutualInformation(stats)}`,
      );
    } finally {
      await model.dispose();
    }
  });
});
