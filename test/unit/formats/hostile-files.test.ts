// Hostile model files: sizes declared far beyond the file (2^40 elements), paths that leave the model's
// folder, and files over the size limit. Each must give a clear error before anything large is allocated
// or read.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import { loadData } from '../../../src/core/data/load';
import { nodeDataSourceWithin } from '../../../src/core/data/node-data';
import { buildFromGraph } from '../../../src/core/engine/build';
import { EngineError } from '../../../src/core/engine/engine-error';
import { parseWeights } from '../../../src/core/engine/weights-file';
import { openModel } from '../../../src/core/formats/detect';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { encodeWeights, decodeWeights } from '../../../src/core/formats/nnjson/weights';
import { loadOnnxTensor, readOnnx } from '../../../src/core/formats/onnx/reader';
import { siblingPathProblem } from '../../../src/core/formats/sibling-path';
import { loadTfjsWeights, type WeightsGroup } from '../../../src/core/formats/tfjs/weights';
import {
  DEFAULT_SIZE_LIMIT,
  FileTooLargeError,
  sizeLimitFromMegabytes,
} from '../../../src/core/io/size-limit';

const HUGE = 2 ** 40;

/** An ONNX model whose one initializer "w" declares `dims` and holds what `tensor` gives it. */
function onnxWith(dims: number[], tensor: Partial<onnx.ITensorProto>): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ version: 13 }],
    graph: {
      name: 'hostile',
      node: [{ opType: 'Identity', input: ['w'], output: ['y'] }],
      initializer: [{ name: 'w', dims, dataType: onnx.TensorProto.DataType.FLOAT, ...tensor }],
      output: [{ name: 'y' }],
    },
  }).finish();
}

/** Runs `f` and asserts that it allocated no more than 64 MB of array buffers on the way. */
async function withoutLargeAllocation<T>(f: () => Promise<T>): Promise<T> {
  const before = process.memoryUsage().arrayBuffers;
  const result = await f();
  const grown = process.memoryUsage().arrayBuffers - before;
  assert.ok(grown < 64 * 2 ** 20, `array buffers grew by ${grown} bytes`);
  return result;
}

const rejectsWith = (p: Promise<unknown>, pattern: RegExp) =>
  withoutLargeAllocation(() =>
    assert.rejects(p, (e: unknown) => {
      assert.ok(e instanceof Error && !(e instanceof RangeError), `not a clear error: ${String(e)}`);
      assert.match(e.message, pattern);
      return true;
    }),
  );

describe('hostile files: declared sizes are checked against the bytes present before allocating', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'dl-hostile-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('ONNX raw_data: a 2^40-element float tensor holding 4 bytes', async () => {
    const graph = readOnnx({ path: 'h.onnx', bytes: onnxWith([HUGE], { rawData: new Uint8Array(4) }) });
    await rejectsWith(
      loadOnnxTensor(graph, 'w'),
      /h\.onnx: tensor "w": holds 4 bytes, 1099511627776 × 4 expected/,
    );
  });

  it('ONNX typed fields: a 2^40-element tensor with 3 float_data values', async () => {
    const graph = readOnnx({ path: 'h.onnx', bytes: onnxWith([2 ** 20, 2 ** 20], { floatData: [1, 2, 3] }) });
    await rejectsWith(loadOnnxTensor(graph, 'w'), /tensor "w": holds 3 values, 1099511627776 expected/);
  });

  it('ONNX external data: a 2^40-element tensor in a 16-byte file, and an offset past its end', async () => {
    writeFileSync(join(dir, 'w.bin'), new Uint8Array(16));
    const external = (entries: Record<string, string>) =>
      onnxWith([HUGE], {
        dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
        externalData: Object.entries(entries).map(([key, value]) => ({ key, value })),
      });
    writeFileSync(join(dir, 'a.onnx'), external({ location: 'w.bin' }));
    const a = readOnnx(nodeModelSource(join(dir, 'a.onnx')));
    await rejectsWith(loadOnnxTensor(a, 'w'), /tensor "w": holds 16 bytes, 1099511627776 × 4 expected/);
    writeFileSync(join(dir, 'b.onnx'), external({ location: 'w.bin', offset: String(HUGE), length: '4' }));
    const b = readOnnx(nodeModelSource(join(dir, 'b.onnx')));
    await rejectsWith(
      loadOnnxTensor(b, 'w'),
      /external data "w\.bin": bytes 1099511627776\.\.1099511627780 lie outside its 16 bytes/,
    );
  });

  it('tfjs weightsManifest: a 2^40-element weight in a 16-byte shard', async () => {
    const model = {
      format: 'layers-model',
      modelTopology: {
        class_name: 'Sequential',
        config: {
          name: 's',
          layers: [{ class_name: 'Dense', config: { units: 1, batch_input_shape: [null, 1] } }],
        },
      },
      weightsManifest: [
        { paths: ['shard.bin'], weights: [{ name: 'k', shape: [2 ** 20, 2 ** 20], dtype: 'float32' }] },
      ],
    };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(model));
    writeFileSync(join(dir, 'shard.bin'), new Uint8Array(16));
    const source = nodeModelSource(join(dir, 'model.json'));
    const graph = openModel(source);
    await rejectsWith(
      loadTfjsWeights(graph.meta.weightsManifest as WeightsGroup[], source, graph.format),
      /weight "k" needs bytes 0-4398046511104 but the shards \(shard\.bin\) hold only 16/,
    );
  });

  it('.nn.json weights file: a header declaring a 2^40-value tensor in a 40-byte file', async () => {
    const good = encodeWeights({ tensors: [{ name: 'w', shape: [2], data: new Float32Array(2) }] });
    const text = new TextDecoder().decode(good);
    const hostile = new TextEncoder().encode(
      text.replace('"shape":[2],"offset":0,"length":2', `"shape":[${HUGE}],"offset":0,"length":${HUGE}`),
    );
    // The header grew: its length field must say so for the header to parse at all.
    const header = text.slice(8, 8 + new DataView(good.buffer).getUint32(4, true));
    const longer = header.replace(
      '"shape":[2],"offset":0,"length":2',
      `"shape":[${HUGE}],"offset":0,"length":${HUGE}`,
    );
    new DataView(hostile.buffer).setUint32(4, new TextEncoder().encode(longer).length, true);
    await rejectsWith(
      Promise.resolve().then(() => decodeWeights(hostile, 'm.weights.bin')),
      /m\.weights\.bin: tensor "w" reaches past the end of the file/,
    );
    await rejectsWith(
      Promise.resolve().then(() => parseWeights(hostile, 'm.weights.bin')),
      /m\.weights\.bin: tensor "w" reaches past the end of the file/,
    );
  });
});

describe('hostile files: a network far too large to train', () => {
  it('is refused by parameter count before any weight is allocated', async () => {
    const text = JSON.stringify({
      format: 'dropout-lens/nn',
      version: 1,
      name: 'huge',
      input: { shape: [64] },
      layers: [
        { type: 'dense', units: 2 ** 30, activation: 'relu' },
        { type: 'dense', units: 10, activation: 'softmax' },
      ],
    });
    // (64 + 1) × 2^30 + (2^30 + 1) × 10 = 80,530,636,810 parameters.
    const graph = openModel({ path: 'huge.nn.json', bytes: new TextEncoder().encode(text) });
    await withoutLargeAllocation(async () =>
      assert.throws(
        () => buildFromGraph(graph),
        (e: unknown) =>
          e instanceof EngineError &&
          /huge: 80530636810 parameters is more than the engine trains \(at most 67108864\)/.test(e.message),
      ),
    );
  });
});

describe('hostile files: weights headers that are not objects', () => {
  for (const header of ['null', '7', '"DLW1"', '[]'])
    it(`refuses a header of ${header} with a clear error`, () => {
      const json = new TextEncoder().encode(header);
      const bytes = new Uint8Array(8 + json.length);
      bytes.set(new TextEncoder().encode('DLW1'));
      new DataView(bytes.buffer).setUint32(4, json.length, true);
      bytes.set(json, 8);
      assert.throws(() => decodeWeights(bytes, 'w.bin'), /^Error: w\.bin: the header is not a version 1/);
    });
});

describe('hostile files: names beside a model stay inside its folder', () => {
  let root: string;
  let dir: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'dl-paths-'));
    dir = join(root, 'model');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(root, 'secret.bin'), 'outside');
    writeFileSync(join(dir, 'inside.bin'), 'inside');
    writeFileSync(join(dir, 'model.json'), '{}');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const cases: [string, RegExp][] = [
    ['../secret.bin', /leaves the model's folder/],
    ['sub/../../secret.bin', /leaves the model's folder/],
    ['..\\secret.bin', /leaves the model's folder/],
    ['/etc/passwd', /absolute path/],
    ['\\\\server\\share\\w.bin', /absolute path/],
    ['C:\\Windows\\win.ini', /names a drive/],
    ['c:w.bin', /names a drive/],
    ['file:///etc/passwd', /URL/],
    ['https://example.com/w.bin', /URL/],
    ['w.bin\0.txt', /NUL/],
    ['', /empty/],
  ];
  for (const [name, why] of cases) {
    it(`refuses ${JSON.stringify(name)}`, async () => {
      assert.match(siblingPathProblem(name) ?? '', why);
      const source = nodeModelSource(join(dir, 'model.json'));
      await assert.rejects(source.readSibling!(name), (e: Error) => {
        assert.match(e.message, /^refusing /);
        assert.match(e.message, why);
        return true;
      });
    });
  }

  it('refuses a symlink inside the folder that points outside it (realpath check)', async () => {
    symlinkSync(join(root, 'secret.bin'), join(dir, 'link.bin'));
    const source = nodeModelSource(join(dir, 'model.json'));
    await assert.rejects(
      source.readSibling!('link.bin'),
      /refusing "link\.bin": it leaves the model's folder/,
    );
  });

  it('reads plain names, sub-folders and links that stay inside', async () => {
    symlinkSync(join(dir, 'inside.bin'), join(dir, 'sub', 'alias.bin'));
    const source = nodeModelSource(join(dir, 'model.json'));
    for (const name of ['inside.bin', './inside.bin', 'sub/alias.bin'])
      assert.equal(new TextDecoder().decode(await source.readSibling!(name)), 'inside');
  });
});

describe('hostile files: the size limit refuses large files by stat, unread', () => {
  let dir: string;
  const GB3 = 3 * 2 ** 30;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'dl-size-'));
    // Sparse: 3 GB by size, no blocks on disk. Reading it would take seconds and 3 GB of memory.
    for (const name of ['big.onnx', 'big.csv', 'big.bin']) {
      writeFileSync(join(dir, name), '');
      truncateSync(join(dir, name), GB3);
    }
    writeFileSync(join(dir, 'model.json'), '{}');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const tooLarge = (name: string) => (e: unknown) => {
    assert.ok(e instanceof FileTooLargeError, String(e));
    assert.match(
      e.message,
      new RegExp(
        `${name} is 3072 MB \\(3221225472 bytes\\), more than the 2048 MB limit set by dropoutLens\\.maxFileSizeMB`,
      ),
    );
    return true;
  };

  it('a 3 GB model file', async () => {
    await withoutLargeAllocation(async () =>
      assert.throws(() => nodeModelSource(join(dir, 'big.onnx')), tooLarge('big.onnx')),
    );
  });

  it('a 3 GB weight shard or external data file beside a model', async () => {
    const source = nodeModelSource(join(dir, 'model.json'));
    await withoutLargeAllocation(() => assert.rejects(source.readSibling!('big.bin'), tooLarge('big.bin')));
  });

  it('a 3 GB CSV', async () => {
    await withoutLargeAllocation(async () =>
      assert.throws(
        () => loadData(join(dir, 'big.csv'), nodeDataSourceWithin(DEFAULT_SIZE_LIMIT)),
        tooLarge('big.csv'),
      ),
    );
  });

  it('a smaller limit from the setting, and the default for a setting that is not a positive number', () => {
    writeFileSync(join(dir, 'small.onnx'), new Uint8Array(3 * 2 ** 20));
    assert.throws(
      () => nodeModelSource(join(dir, 'small.onnx'), sizeLimitFromMegabytes(2)),
      /small\.onnx is 3 MB \(3145728 bytes\), more than the 2 MB limit set by dropoutLens\.maxFileSizeMB/,
    );
    assert.equal(
      nodeModelSource(join(dir, 'small.onnx'), sizeLimitFromMegabytes(3)).bytes.length,
      3 * 2 ** 20,
    );
    for (const bad of [undefined, 'big', -1, 0, Number.NaN])
      assert.equal(sizeLimitFromMegabytes(bad).bytes, 2048 * 2 ** 20);
  });
});
