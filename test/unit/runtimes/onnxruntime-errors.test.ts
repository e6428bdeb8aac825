// Bad input to the onnxruntime McModel gets a clear error that names the file (and the op and node
// where onnxruntime says them), never a crash: missing external data, a model too big for one protobuf
// message, a truncated file, an op onnxruntime does not know.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { onnx } from 'onnx-proto';
import { EngineError } from '../../../src/core/engine/engine-error';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { readOnnx } from '../../../src/core/formats/onnx/reader';
import type { ModelSource } from '../../../src/core/formats/reader';
import { openOnnxRuntimeModel } from '../../../src/core/runtimes/onnxruntime/onnxruntime-model';

const stripped = 'test/fixtures/architectures/mobilenet_v2_opset13_train.onnx';
const tiny = 'test/fixtures/runtimes/tiny-cnn-mc.onnx';

describe('onnxruntime McModel: bad input', () => {
  it('a model whose external data file is missing: an error naming the file', async () => {
    const source = nodeModelSource(stripped);
    await assert.rejects(
      openOnnxRuntimeModel(source, readOnnx(source)),
      (e: Error) =>
        e instanceof EngineError &&
        e.message.includes(stripped) &&
        e.message.includes('external data file "mobilenet_v2_opset13_train.onnx.data"'),
    );
  });

  it('a model over 2 GB with its external data: refused by size, before any weight is read', async () => {
    const bytes = readFileSync(stripped);
    const source: ModelSource = {
      path: stripped,
      bytes,
      siblingSize: async () => 3 * 2 ** 30,
      readSibling: async () => assert.fail('the external data must not be read'),
    };
    await assert.rejects(
      openOnnxRuntimeModel(source, readOnnx({ path: stripped, bytes })),
      /mobilenet_v2_opset13_train\.onnx: the model with its weights is 3\.0\d GB; .* cannot exceed 2 GB/,
    );
  });

  it('a truncated file: a format error naming the file and the byte', async () => {
    const bytes = readFileSync(tiny);
    const graph = readOnnx({ path: tiny, bytes });
    const source: ModelSource = { path: tiny, bytes: bytes.subarray(0, Math.floor(bytes.length * 0.6)) };
    await assert.rejects(
      openOnnxRuntimeModel(source, graph),
      /tiny-cnn-mc\.onnx: not a valid ONNX file .* near byte \d+/,
    );
  });

  it('an op onnxruntime does not know: an EngineError naming the op and the node', async () => {
    const model = onnx.ModelProto.decode(readFileSync(tiny));
    const clip = model.graph!.node!.find((n) => n.opType === 'Clip')!;
    clip.opType = 'ClipSoftly';
    const bytes = onnx.ModelProto.encode(model).finish();
    const source: ModelSource = { path: 'edited.onnx', bytes };
    await assert.rejects(openOnnxRuntimeModel(source, readOnnx(source)), (e: Error) => {
      assert.ok(e instanceof EngineError, String(e));
      assert.match(e.message, /^edited\.onnx: onnxruntime could not load the model: /);
      assert.ok(e.message.includes('ClipSoftly'), e.message);
      assert.ok(e.message.includes(clip.name!), e.message);
      return true;
    });
  });
});
