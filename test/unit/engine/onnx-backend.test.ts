// The graph executor against the ONNX backend node tests (expected outputs computed by ONNX's reference
// implementation, test/fixtures/onnx-node-tests) and the PyTorch exports against onnxruntime-node.
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { GraphRunner, fromLoaded, unsupportedLayer } from '../../../src/core/engine/graph/run-graph';
import { Rng } from '../../../src/core/random/rng';
import type { Tensor } from '../../../src/core/engine/tensor';
import { readOnnx } from '../../../src/core/formats/onnx/reader';
import { assertClose } from './close';
import { OnnxWeights } from '../../../src/core/formats/onnx/tensors';
import type { Graph } from '../../../src/core/model/ir';

const ROOT = 'test/fixtures/onnx-node-tests';
/** This case's expected values are written out to 4 decimals in ONNX's test generator. */
const ROUNDED = new Set(['test_averagepool_2d_ceil_last_window_starts_on_pad']);
/** Dropout in training mode with a non-zero ratio: the masks are random, so only their laws are checked. */
const RANDOM = new Set([
  'test_training_dropout',
  'test_training_dropout_default',
  'test_training_dropout_default_mask',
  'test_training_dropout_mask',
]);

async function loadPb(path: string): Promise<{ dtype: string; tensor: Tensor }> {
  const proto = onnx.TensorProto.decode(readFileSync(path));
  const t = await new OnnxWeights({ path, bytes: new Uint8Array() }, () => proto, []).load(proto.name);
  return { dtype: t.dtype, tensor: fromLoaded(t) };
}

describe('graph executor on the ONNX backend node tests', () => {
  it('reproduces output_*.pb for every case whose ops and dtypes it supports', async () => {
    const skipped: Record<string, string[]> = {};
    const skip = (name: string, why: string) => (skipped[why] ??= []).push(name);
    let ran = 0;
    const failures: string[] = [];
    for (const name of readdirSync(ROOT).sort()) {
      const dir = `${ROOT}/${name}`;
      const graph = readOnnx({ path: name, bytes: readFileSync(`${dir}/model.onnx`) });
      const why = unsupportedLayer(graph);
      if (why) {
        skip(name, why.replace(/ at node.*/, ''));
        continue;
      }
      const files = readdirSync(`${dir}/test_data_set_0`);
      const read = (prefix: string) =>
        Promise.all(
          files
            .filter((f) => f.startsWith(prefix))
            .sort()
            .map((f) => loadPb(`${dir}/test_data_set_0/${f}`)),
        );
      let inputs, outputs;
      try {
        [inputs, outputs] = await Promise.all([read('input_'), read('output_')]);
      } catch {
        skip(name, 'non-tensor inputs or outputs (sequence, optional)');
        continue;
      }
      const floats = (list: { dtype: string; tensor: Tensor }[], allowed: string[]) =>
        list.every((t) => allowed.includes(t.dtype));
      if (!floats(inputs, ['float32', 'int64', 'bool']) || !floats(outputs, ['float32', 'bool'])) {
        skip(name, 'non-float32 data');
        continue;
      }
      try {
        await check(
          name,
          graph,
          inputs.map((t) => t.tensor),
          outputs.map((t) => t.tensor),
        );
        ran++;
      } catch (e) {
        failures.push(`${name}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    console.log(`    ${ran} cases run; skipped:`, JSON.stringify(skipped, null, 1));
    assert.deepEqual(failures, []);
    assert.ok(ran >= 159, `${ran} cases run`);
  });
});

async function check(name: string, graph: Graph, inputs: Tensor[], outputs: Tensor[]): Promise<void> {
  const runner = await GraphRunner.load(graph);
  const feeds = Object.fromEntries(graph.inputs.map((info, i) => [info.name, inputs[i] as Tensor]));
  const result = runner.run(feeds, { rng: new Rng(7) });
  const got = graph.outputs.map((o) => result[o.name] as Tensor);
  if (RANDOM.has(name)) {
    const x = inputs[0] as Tensor;
    const ratio = inputs[1]?.data[0] ?? 0.5;
    const [y, mask] = got as [Tensor, Tensor | undefined];
    assert.deepEqual(y.shape, x.shape, name);
    let dropped = 0;
    y.data.forEach((v, i) => {
      const kept = v !== 0;
      if (kept) assert.ok(Math.abs(v - (x.data[i] as number) / (1 - ratio)) < 1e-5, `${name}[${i}] scaled`);
      else dropped++;
      if (mask) assert.equal(mask.data[i], kept ? 1 : 0, `${name} mask[${i}]`);
    });
    const share = dropped / y.data.length;
    assert.ok(Math.abs(share - ratio) < 0.15, `${name}: dropped ${share}, ratio ${ratio}`);
  } else {
    const abs = ROUNDED.has(name) ? 1e-4 : 1e-5;
    got.forEach((t, i) => assertClose(t, outputs[i] as Tensor, `${name} output ${i}`, 1e-4, abs));
  }
}

describe('graph executor on the PyTorch exports', () => {
  // mlp_train_opset13 exports Dropout with training_mode true: random in both runtimes, so not compared.
  const files = readdirSync('test/fixtures/onnx-torch').filter((f) => f.endsWith('.onnx'));
  for (const file of files.filter((f) => f !== 'mlp_train_opset13.onnx')) {
    it(`${file}: agrees with onnxruntime-node on a random input`, async () => {
      const bytes = readFileSync(`test/fixtures/onnx-torch/${file}`);
      const graph = readOnnx({ path: file, bytes });
      const input = graph.inputs[0] as { name: string; shape?: unknown[] };
      const shape = (input.shape ?? []).map((d) => (typeof d === 'number' ? d : 2));
      const rng = new Rng(3);
      const x: Tensor = {
        shape,
        data: Float32Array.from({ length: shape.reduce((n, d) => n * d, 1) }, () => rng.normal()),
      };
      const session = await ort.InferenceSession.create(bytes);
      const want = await session.run({
        [input.name]: new ort.Tensor('float32', x.data as Float32Array, shape),
      });
      const got = (await GraphRunner.load(graph)).run({ [input.name]: x });
      for (const out of graph.outputs) {
        const w = want[out.name] as ort.Tensor;
        const expected = { shape: [...w.dims], data: w.data as Float32Array };
        assertClose(got[out.name] as Tensor, expected, `${file} ${out.name}`, 1e-5, 1e-5);
      }
    });
  }
});
