import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as fc from 'fast-check';
import { onnx } from 'onnx-proto';
import { findReader } from '../../../src/core/formats/detect';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import {
  decodeModelProto,
  loadOnnxTensor,
  onnxReader,
  readOnnx,
} from '../../../src/core/formats/onnx/reader';
import { ModelFormatError } from '../../../src/core/formats/reader';
import type { Graph } from '../../../src/core/model/ir';
import { paramCounts } from '../../../src/core/model/param-counts';

const TORCH = 'test/fixtures/onnx-torch';
const SPEC = 'test/fixtures/onnx-spec';

interface TorchReport {
  opset: number;
  inputShape: number[];
  totalParams: number;
  modules: Record<string, { type: string; outputShape: number[]; params: number; exportedBuffers: number }>;
}

/** Layers exported for PyTorch module `name`: torch 1.13 names nodes "/<module path>/<Op>". */
const layersOf = (graph: Graph, name: string) => graph.layers.filter((l) => l.name.startsWith(`/${name}/`));

describe('ONNX reader against PyTorch (test/fixtures/onnx-torch/generate.py)', () => {
  for (const model of ['mlp_eval_opset13', 'mlp_train_opset13', 'mlp_train_opset9', 'cnn_opset13']) {
    it(`${model}: output shapes and parameter counts match what PyTorch reports`, () => {
      const report = JSON.parse(readFileSync(`${TORCH}/${model}.json`, 'utf8')) as TorchReport;
      const graph = readOnnx(nodeModelSource(`${TORCH}/${model}.onnx`));
      assert.deepEqual(graph.inputs[0]?.shape, report.inputShape);
      let compared = 0;
      for (const [name, m] of Object.entries(report.modules)) {
        const layers = layersOf(graph, name).filter((l) => l.op !== 'constant');
        if (layers.length === 0) {
          // The exporter drops Dropout in eval mode and turns nothing else into zero nodes.
          assert.match(m.type, /^Dropout/, `${model}: module ${name} missing`);
          continue;
        }
        compared++;
        assert.deepEqual(layers[layers.length - 1]?.outputShape, m.outputShape, `${model}: ${name} shape`);
        // ONNX stores BatchNorm's running statistics as inputs: PyTorch's buffers, not its parameters.
        const params = layers.reduce((n, l) => n + l.params, 0);
        assert.equal(params, m.params + m.exportedBuffers, `${model}: ${name} params`);
      }
      assert.ok(compared >= 3);
      const buffers = Object.values(report.modules).reduce((n, m) => n + m.exportedBuffers, 0);
      // PyTorch's parameters are what training updates; its exported buffers (BatchNorm's running
      // statistics) are not.
      assert.deepEqual(paramCounts(graph), {
        total: report.totalParams + buffers,
        trainable: report.totalParams,
      });
      assert.equal((graph.meta.opsetImports as { version: number }[])[0]?.version, report.opset);
      assert.equal(graph.meta.producer, 'pytorch');
    });
  }

  it('reads the training-mode export as Dropout-13 that stays active at inference', () => {
    const graph = readOnnx(nodeModelSource(`${TORCH}/mlp_train_opset13.onnx`));
    const layer = graph.layers.find((l) => l.op === 'dropout');
    assert.deepEqual(layer?.dropout, {
      variant: 'standard',
      rate: 0.5,
      scaling: 'inverted',
      mode: 'inference-active',
      origin: {
        op: 'Dropout',
        opsetVersion: 13,
        maskConsumed: false,
        rateSource: 'constant',
        trainingModeSource: 'constant',
      },
    });
    assert.deepEqual(layer?.inputs, ['/1/Relu', '/2/Constant', '/2/Constant_1']);
    assert.deepEqual(layer?.source, { nodeIndex: 4, nodeName: '/2/Dropout' });
    assert.equal(graph.outputs[0]?.layerId, '/3/Gemm');
  });

  it('reads the op set 9 export as Dropout-7 with a ratio attribute', () => {
    const graph = readOnnx(nodeModelSource(`${TORCH}/mlp_train_opset9.onnx`));
    const spec = graph.layers.find((l) => l.op === 'dropout')?.dropout;
    assert.equal(spec?.rate, 0.5);
    assert.equal(spec?.mode, 'train-only');
    assert.equal(spec?.origin.rateSource, 'attribute');
    assert.equal(spec?.origin.opsetVersion, 9);
  });

  it('normalises Gemm (transB), Conv and pooling attributes', () => {
    const graph = readOnnx(nodeModelSource(`${TORCH}/cnn_opset13.onnx`));
    const by = (name: string) => graph.layers.find((l) => l.name === name);
    assert.equal(by('/fc/Gemm')?.attributes.units, 10);
    assert.deepEqual(by('/fc/Gemm')?.attributes.initializers, ['fc.weight', 'fc.bias']);
    assert.equal(by('/conv2/Conv')?.attributes.filters, 8);
    assert.deepEqual(by('/conv2/Conv')?.attributes.kernelSize, [3, 3]);
    assert.equal(by('/conv2/Conv')?.attributes.group, 2);
    assert.equal(by('/pool/MaxPool')?.attributes.poolType, 'max');
    assert.equal(by('/relu/Relu')?.activation, 'relu');
  });
});

describe('ONNX Dropout forms (test/fixtures/onnx-spec/generate.py)', () => {
  const spec = (file: string) =>
    readOnnx(nodeModelSource(`${SPEC}/${file}`)).layers.find((l) => l.dropout)?.dropout;

  it('Dropout-6 keeps is_test, or null when the attribute is absent', () => {
    assert.equal(spec('dropout_v6_is_test.onnx')?.origin.isTest, 1);
    assert.equal(spec('dropout_v6_no_is_test.onnx')?.origin.isTest, null);
    assert.equal(spec('dropout_v6_no_is_test.onnx')?.rate, 0.3);
    assert.equal(spec('dropout_v6_no_is_test.onnx')?.origin.opsetVersion, 6);
  });

  it('Dropout-13 with ratio and training_mode initializers, mask read by a Cast', () => {
    const s = spec('dropout_v13_initializers.onnx');
    assert.equal(s?.rate, 0.1);
    assert.equal(s?.mode, 'inference-active');
    assert.equal(s?.origin.rateSource, 'initializer');
    assert.equal(s?.origin.trainingModeSource, 'initializer');
    assert.equal(s?.origin.maskConsumed, true);
  });

  it('Dropout-13 with value_float and bool Constant nodes, mask unused', () => {
    const s = spec('dropout_v13_constants.onnx');
    assert.equal(s?.rate, 0.25);
    assert.equal(s?.mode, 'train-only');
    assert.equal(s?.origin.rateSource, 'constant');
    assert.equal(s?.origin.trainingModeSource, 'constant');
    assert.equal(s?.origin.maskConsumed, false);
  });
});

describe('ONNX tensors and external data', () => {
  it('loads external weights lazily, with the values numpy wrote', async () => {
    const expected = JSON.parse(readFileSync(`${SPEC}/external/expected.json`, 'utf8')) as Record<
      string,
      { dims: number[]; values: number[] }
    >;
    const graph = readOnnx(nodeModelSource(`${SPEC}/external/model.onnx`));
    assert.equal(graph.layers.find((l) => l.op === 'dense')?.params, 15 + 3);
    for (const name of ['w', 'b']) {
      const tensor = await loadOnnxTensor(graph, name);
      assert.equal(tensor.dtype, 'float32');
      assert.deepEqual(tensor.dims, expected[name]?.dims);
      assert.deepEqual(Array.from(tensor.data as Float32Array), expected[name]?.values.map(Math.fround));
    }
  });

  it('refuses external data that leaves the model folder, with a clear error', async () => {
    const graph = readOnnx(nodeModelSource(`${SPEC}/external/escape.onnx`));
    await assert.rejects(loadOnnxTensor(graph, 'w'), (e: unknown) => {
      assert.ok(e instanceof ModelFormatError);
      assert.equal(e.format, 'onnx');
      assert.match(
        e.message,
        /tensor "w": external data "\.\.\/outside\.bin": refusing .* leaves the model's folder/,
      );
      return true;
    });
  });

  it('keeps raw_data as a view into the file buffer (no copy while parsing)', async () => {
    const bytes = readFileSync(`${TORCH}/cnn_opset13.onnx`);
    const model = decodeModelProto(bytes, 'cnn');
    const initializers = model.graph?.initializer ?? [];
    assert.equal(initializers.length, 10);
    for (const t of initializers) assert.equal(t.rawData?.buffer, bytes.buffer, t.name ?? '');
    const plain = new Uint8Array(bytes); // not a Buffer: protobufjs then uses subarray
    const fromPlain = decodeModelProto(plain, 'cnn');
    assert.equal(fromPlain.graph?.initializer?.[0]?.rawData?.buffer, plain.buffer);
    const graph = readOnnx({ path: 'cnn.onnx', bytes });
    const w = await loadOnnxTensor(graph, 'fc.weight');
    assert.deepEqual(w.dims, [10, 128]);
    assert.equal(w.data.length, 1280);
  });
});

describe('ONNX reader on bad input', () => {
  const good = readFileSync(`${TORCH}/mlp_train_opset13.onnx`);
  const expectFormatError = (bytes: Uint8Array) => {
    try {
      return readOnnx({ path: 'bad.onnx', bytes });
    } catch (e) {
      assert.ok(e instanceof ModelFormatError, `not a ModelFormatError: ${String(e)}`);
      assert.equal(e.format, 'onnx');
      assert.ok(e.location, 'has a location');
      return e;
    }
  };

  it('reports a truncated file with the byte offset where it ends', () => {
    const e = expectFormatError(good.subarray(0, 2000));
    assert.ok(e instanceof ModelFormatError);
    assert.match(e.message, /bad\.onnx: not a valid ONNX file/);
    assert.ok('byteOffset' in (e.location ?? {}));
  });

  it('never throws anything but ModelFormatError on any truncation', () => {
    for (let n = 0; n < good.length; n += 7) expectFormatError(good.subarray(0, n));
  });

  it('never throws anything but ModelFormatError on flipped bytes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        (flips) => {
          const bytes = Uint8Array.from(good);
          for (const [at, mask] of flips) bytes[at] = (bytes[at] as number) ^ mask;
          expectFormatError(bytes);
        },
      ),
      { numRuns: 500, seed: 1 },
    );
  });

  it('rejects a file that is not protobuf (wrong magic)', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    assert.ok(expectFormatError(png) instanceof ModelFormatError);
    const text = new TextEncoder().encode('{"format": "layers-model"}');
    assert.ok(expectFormatError(text) instanceof ModelFormatError);
  });

  it('sorts nodes a writer left out of topological order', () => {
    const model = onnx.ModelProto.decode(good);
    model.graph?.node?.reverse();
    const graph = readOnnx({ path: 'reversed.onnx', bytes: onnx.ModelProto.encode(model).finish() });
    const position = new Map(graph.layers.map((l, i) => [l.id, i]));
    for (const layer of graph.layers) {
      for (const input of layer.inputs)
        assert.ok((position.get(input) as number) < (position.get(layer.id) as number));
    }
    assert.equal(graph.layers.find((l) => l.op === 'dropout')?.dropout?.mode, 'inference-active');
    assert.equal(graph.outputs[0]?.layerId, '/3/Gemm');
  });

  it('reports a cycle between nodes', () => {
    const model = onnx.ModelProto.decode(good);
    const nodes = model.graph?.node as onnx.NodeProto[];
    (nodes[0] as onnx.NodeProto).input = [nodes[1]?.output[0] as string];
    const e = expectFormatError(onnx.ModelProto.encode(model).finish());
    assert.ok(e instanceof ModelFormatError);
    assert.match(e.message, /cycle/);
  });
});

describe('ONNX detection', () => {
  it('matches .onnx names and ModelProto bytes under any name, and nothing else', () => {
    const bytes = readFileSync(`${TORCH}/mlp_eval_opset13.onnx`);
    assert.equal(onnxReader.match({ path: 'a/model.onnx', bytes: new Uint8Array() }), true);
    assert.equal(onnxReader.match({ path: 'a/model.bin', bytes }), true);
    assert.equal(onnxReader.match({ path: 'a/x.json', bytes: new TextEncoder().encode('{"a": 1}') }), false);
    assert.equal(findReader({ path: 'a/model.bin', bytes })?.format, 'onnx');
  });
});
