// The onnxruntime McModel on the corpus's fixed-shape exports (test/fixtures/architectures, committed
// whole): several samples through a model whose batch is fixed at 1 (run in blocks of it, the prefix
// still split off), int64 token ids, a sequence-first input [16, 1] whose whole tensor is one sample,
// and token ids of a free length (the GRU export edited here to [batch, seq]).
// The reference is onnxruntime itself on the exporter's eval-mode file of the same model (evalSoftmax),
// edited the same way.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { onnx } from 'onnx-proto';
import type { Tensor as OrtTensor } from 'onnxruntime-node';
import { runMcPasses } from '../../../src/core/engine/mc/mc';
import type { McModel } from '../../../src/core/engine/mc/runtime';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { readOnnx } from '../../../src/core/formats/onnx/reader';
import { openMcModel } from '../../../src/core/runtimes/open';
import { loadOrt } from '../../../src/core/runtimes/onnxruntime/load-ort';
import {
  openOnnxRuntimeModel,
  type OnnxRuntimeOptions,
} from '../../../src/core/runtimes/onnxruntime/onnxruntime-model';
import { evalSoftmax } from './eval-reference';

const dir = 'test/fixtures/architectures';

async function open(name: string, options: OnnxRuntimeOptions = {}): Promise<McModel> {
  const source = nodeModelSource(`${dir}/${name}_train.onnx`);
  return openOnnxRuntimeModel(source, readOnnx(source), options);
}

/** A fixture with its input's and output's dimensions named (free), as an export with dynamic axes has them. */
function freeDims(file: string, input: string[], output: string[]): Uint8Array {
  const model = onnx.ModelProto.decode(readFileSync(file));
  const name = (dims: onnx.TensorShapeProto.IDimension[] | null | undefined, params: string[]) =>
    params.forEach((p, i) => {
      if (p) (dims as onnx.TensorShapeProto.IDimension[])[i] = { dimParam: p };
    });
  name(model.graph?.input?.[0]?.type?.tensorType?.shape?.dim, input);
  name(model.graph?.output?.[0]?.type?.tensorType?.shape?.dim, output);
  return onnx.ModelProto.encode(model).finish();
}

/** The eval export's softmax (evalSoftmax); `bytes` replaces the file's content (an edited export). */
const evalReference = (name: string, samples: number, feed: (i: number) => OrtTensor, bytes?: Uint8Array) =>
  evalSoftmax(bytes ?? `${dir}/${name}_eval.onnx`, samples, feed);

function assertClose(actual: ArrayLike<number>, expected: number[], tolerance: number): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((v, i) => assert.ok(Math.abs(actual[i]! - v) < tolerance, `[${i}]: ${actual[i]} vs ${v}`));
}

/** Every pass's probabilities, pass-major (`width` = samples × classes per pass). */
async function passes(
  model: McModel,
  x: { data: Float32Array; shape: number[] },
  T: number,
  seed: number,
  width: number,
) {
  const all = new Float32Array(T * width);
  await runMcPasses(
    await model.passes(x, { passes: T, seed }),
    { passes: T, seed },
    {
      onChunk: (probs, first, k) => all.set(probs.subarray(0, k * width), first * width),
    },
  );
  return Array.from(all);
}

describe('onnxruntime McModel on fixed-shape exports', () => {
  it("a batch fixed at 1 (squeezenet1_0): 3 images in blocks of 1 equal the eval export; the prefix gives the whole graph's passes", async () => {
    const n = 3;
    const size = 3 * 224 * 224;
    const data = Float32Array.from({ length: n * size }, (_, i) => Math.sin(0.37 * i) * 1.5);
    const x = { data, shape: [n, 3, 224, 224] };
    const model = await open('squeezenet1_0_opset13');
    const whole = await open('squeezenet1_0_opset13', { wholeGraph: true });
    const ort = await loadOrt();
    try {
      assert.ok(
        model.notes.includes("rows run in blocks of 1, the model's fixed batch size"),
        model.notes.join('; '),
      );
      assert.ok(
        model.notes.some((s) => /^prefix: \d+ of \d+ nodes run once/.test(s)),
        model.notes.join('; '),
      );
      const reference = await evalReference(
        'squeezenet1_0_opset13',
        n,
        (i) => new ort.Tensor('float32', data.slice(i * size, (i + 1) * size), [1, 3, 224, 224]),
      );
      assertClose(await model.deterministic(x), reference, 1e-5);
      const a = await passes(model, x, 3, 7, n * 1000);
      const b = await passes(whole, x, 3, 7, n * 1000);
      assertClose(a, b, 1e-5);
      const classes = 1000;
      const first = a.slice(0, n * classes);
      assert.ok(
        a.slice(n * classes, 2 * n * classes).some((v, i) => Math.abs(v - first[i]!) > 1e-6),
        'the passes differ',
      );
    } finally {
      await model.dispose();
      await whole.dispose();
    }
  });

  it('int64 token ids (gru_classifier): 3 sequences fed as int64 equal the eval export', async () => {
    const n = 3;
    const ids = Array.from({ length: n * 20 }, (_, i) => (i * 53) % 1000);
    const model = await open('gru_classifier_opset13');
    const ort = await loadOrt();
    try {
      assert.deepEqual(model.inputShape, [20]);
      const reference = await evalReference(
        'gru_classifier_opset13',
        n,
        (i) => new ort.Tensor('int64', BigInt64Array.from(ids.slice(i * 20, (i + 1) * 20), BigInt), [1, 20]),
      );
      assertClose(
        await model.deterministic({ data: Float32Array.from(ids), shape: [n, 20] }),
        reference,
        1e-6,
      );
    } finally {
      await model.dispose();
    }
  });

  it('a sequence-first input [16, 1] (transformer_encoder): each sample is the whole tensor, as the eval export runs it', async () => {
    const n = 2;
    const ids = Array.from({ length: n * 16 }, (_, i) => (i * 29) % 500);
    const model = await open('transformer_encoder_opset13');
    const ort = await loadOrt();
    try {
      assert.deepEqual(model.inputShape, [16, 1]);
      const reference = await evalReference(
        'transformer_encoder_opset13',
        n,
        (i) => new ort.Tensor('int64', BigInt64Array.from(ids.slice(i * 16, (i + 1) * 16), BigInt), [16, 1]),
      );
      const x = { data: Float32Array.from(ids), shape: [n, 16, 1] };
      assertClose(await model.deterministic(x), reference, 1e-5);
      const all = await passes(model, x, 4, 3, n * 2);
      assert.ok(
        all.slice(0, 4).some((v, i) => Math.abs(v - all[4 + i]!) > 1e-7),
        'the passes differ',
      );
    } finally {
      await model.dispose();
    }
  });

  it('token ids of a free length (gru_classifier edited to [batch, seq]): the data give the length, 12 here, and the figures of the eval export edited the same way', async () => {
    const n = 3;
    const length = 12;
    const ids = Array.from({ length: n * length }, (_, i) => (i * 71) % 1000);
    const name = 'gru_classifier_opset13';
    const free = (kind: string) => freeDims(`${dir}/${name}_${kind}.onnx`, ['batch', 'seq'], ['batch']);
    const source = nodeModelSource(`${dir}/${name}_train.onnx`, undefined, free('train'));
    const model = await openMcModel(readOnnx(source), source, {
      engine: 'onnxruntime',
      inputShape: [length],
    });
    const ort = await loadOrt();
    try {
      assert.deepEqual(model.inputShape, [length]);
      const reference = await evalReference(
        name,
        n,
        (i) =>
          new ort.Tensor('int64', BigInt64Array.from(ids.slice(i * length, (i + 1) * length), BigInt), [
            1,
            length,
          ]),
        free('eval'),
      );
      const x = { data: Float32Array.from(ids), shape: [n, length] };
      assertClose(await model.deterministic(x), reference, 1e-6);
      const all = await passes(model, x, 4, 3, n * 4);
      assert.ok(
        all.slice(0, n * 4).some((v, i) => Math.abs(v - all[n * 4 + i]!) > 1e-7),
        'the passes differ',
      );
    } finally {
      await model.dispose();
    }
    await assert.rejects(
      openMcModel(readOnnx(source), source, { engine: 'onnxruntime', inputShape: [length, 1] }),
      /the input "input" takes \[\?\] per sample, not \[12, 1\]/,
    );
  });
});
