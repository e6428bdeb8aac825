// Fuzzes the weight loaders, where declared sizes meet real bytes: tfjs weightsManifest + shards (layers
// and graph models), ONNX initializers and external data, and the .nn.json weights files. Every load must
// give tensors whose sizes agree with their shapes, or a clear error naming the file, within the bound.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as fc from 'fast-check';
import { onnx } from 'onnx-proto';
import { EngineError } from '../../../src/core/engine/engine-error';
import { parseWeights } from '../../../src/core/engine/weights-file';
import { h5Reader } from '../../../src/core/formats/keras/h5-reader';
import { kerasReader } from '../../../src/core/formats/keras/keras-reader';
import { layersWeights } from '../../../src/core/formats/keras/weights';
import { WeightsFormatError, decodeWeights, encodeWeights } from '../../../src/core/formats/nnjson/weights';
import { loadOnnxTensor, readOnnx } from '../../../src/core/formats/onnx/reader';
import { ModelFormatError, type ModelReader, type ModelSource } from '../../../src/core/formats/reader';
import { siblingPathProblem } from '../../../src/core/formats/sibling-path';
import { tfjsGraphReader } from '../../../src/core/formats/tfjs/graph-reader';
import { tfjsLayersReader } from '../../../src/core/formats/tfjs/layers-reader';
import { loadTfjsWeights, type WeightsGroup } from '../../../src/core/formats/tfjs/weights';
import { RUNS, hostileTokens, replaceAt, runs, utf8, withinTimeLimit, FUZZ_TIMEOUT_MS } from './fuzz-support';
import { tally } from './tally';

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** A source whose siblings live in a map, refused by name exactly as the file-system source refuses them. */
function memorySource(path: string, bytes: Uint8Array, files: Map<string, Uint8Array>): ModelSource {
  return {
    path,
    bytes,
    readSibling: (name) => {
      const problem = siblingPathProblem(name);
      if (problem) return Promise.reject(new Error(`refusing "${name}": ${problem}`));
      const file = files.get(name.replace(/^\.\//, ''));
      return file ? Promise.resolve(file) : Promise.reject(new Error(`ENOENT: no such file "${name}"`));
    },
  };
}

/** Runs one load and counts it; anything but success or an error of `errorClass` naming `file` fails. */
async function checkLoad(
  target: string,
  kind: string,
  file: string,
  errorClass: abstract new (...args: never[]) => Error,
  load: () => Promise<string>,
): Promise<void> {
  const started = performance.now();
  let outcome: string;
  try {
    outcome = await load();
  } catch (e) {
    if (!(e instanceof errorClass)) {
      tally(target, kind, `threw ${(e as Error)?.name}`, performance.now() - started);
      throw new Error(`not a ${errorClass.name}: ${String(e)}`, { cause: e });
    }
    assert.ok(e.message.includes(file), `the error names the file: ${e.message}`);
    outcome = `${errorClass.name} naming the file`;
  }
  tally(target, kind, outcome, performance.now() - started);
  withinTimeLimit(started, 'the load');
}

const hostilePaths = fc.constantFrom(
  '../weights.bin',
  '/etc/passwd',
  'C:\\weights.bin',
  'file:///weights.bin',
  'https://example.com/w.bin',
  'a/../../w.bin',
  '',
  'missing.bin',
);

describe(`fuzz: tfjs weightsManifest and shards (${RUNS} inputs per format)`, function () {
  this.timeout(FUZZ_TIMEOUT_MS);
  const layersText = readFileSync('test/fixtures/tfjs/mlp/model.json', 'utf8');
  const layersJson = JSON.parse(layersText) as { weightsManifest: { paths: string[] }[] };
  // The graph fixture has no weights: give it the layers model's manifest, with shards to match.
  const graphJson = {
    ...(JSON.parse(readFileSync('test/fixtures/tfjs-graph-dropout/model.json', 'utf8')) as object),
    weightsManifest: layersJson.weightsManifest,
  };
  const shards = new Map(
    layersJson.weightsManifest
      .flatMap((g) => g.paths)
      .map((p) => [p, new Uint8Array(readFileSync(`test/fixtures/tfjs/mlp/${p}`))] as const),
  );
  const targets: [ModelReader, unknown][] = [
    [tfjsLayersReader, layersJson],
    [tfjsGraphReader, graphJson],
  ];
  for (const [reader, json] of targets) {
    const target = `${reader.format} weights`;
    const load = (text: string, files: Map<string, Uint8Array>, kind: string) =>
      checkLoad(target, kind, 'model.json', ModelFormatError, async () => {
        const source = memorySource('model.json', utf8(text), files);
        let graph;
        try {
          graph = reader.open(source);
        } catch (e) {
          if (e instanceof ModelFormatError) return 'manifest refused when read';
          throw e;
        }
        const tensors = await loadTfjsWeights(
          graph.meta.weightsManifest as WeightsGroup[],
          source,
          reader.format,
        );
        for (const t of tensors.values()) assert.ok(t.values.length === product(t.shape), t.name);
        return 'loaded';
      });
    const manifestPaths = (function paths(value: unknown, at: (string | number)[]): (string | number)[][] {
      const here = [at];
      if (Array.isArray(value)) return here.concat(...value.map((v, i) => paths(v, [...at, i])));
      if (value !== null && typeof value === 'object')
        return here.concat(...Object.entries(value).map(([k, v]) => paths(v, [...at, k])));
      return here;
    })((json as { weightsManifest: unknown }).weightsManifest, ['weightsManifest']);

    describe(target, () => {
      it('survives hostile values anywhere in the manifest (sizes, dtypes, quantization, paths)', async () => {
        await fc.assert(
          fc.asyncProperty(fc.constantFrom(...manifestPaths), hostileTokens, (path, token) =>
            load(replaceAt(json, path, token), shards, 'hostile value in the manifest'),
          ),
          runs(0.4),
        );
      });

      it('survives shard paths that leave the folder, and missing shards', async () => {
        await fc.assert(
          fc.asyncProperty(hostilePaths, fc.nat(), (name, at) => {
            const groups = (json as { weightsManifest: { paths: string[] }[] }).weightsManifest;
            const all = groups.flatMap((g, gi) =>
              g.paths.map((_, pi) => ['weightsManifest', gi, 'paths', pi]),
            );
            return load(
              replaceAt(json, all[at % all.length] as (string | number)[], JSON.stringify(name)),
              shards,
              'shard path leaving the folder or missing',
            );
          }),
          runs(0.2),
        );
      });

      it('survives truncated and flipped shards', async () => {
        const text = JSON.stringify(json);
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom(...shards.keys()),
            fc.nat(),
            fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
            (name, cut, flips) => {
              const bytes = (shards.get(name) as Uint8Array).slice();
              for (const [at, v] of flips) bytes[at % bytes.length] = v;
              const files = new Map(shards).set(name, bytes.subarray(0, cut % (bytes.length + 1)));
              return load(text, files, 'shard truncated or flipped');
            },
          ),
          runs(0.4),
        );
      });
    });
  }
});

describe(`fuzz: ONNX initializers and external data (${RUNS} inputs)`, function () {
  this.timeout(FUZZ_TIMEOUT_MS);
  const target = 'onnx weights';
  const dir = 'test/fixtures/onnx-spec/external';
  const external = new Uint8Array(readFileSync(`${dir}/weights.bin`));
  const model = onnx.ModelProto.decode(readFileSync(`${dir}/model.onnx`));
  const inFile = new Uint8Array(readFileSync('test/fixtures/onnx-torch/mlp_train_opset13.onnx'));

  const loadAll = (bytes: Uint8Array, files: Map<string, Uint8Array>, kind: string) =>
    checkLoad(target, kind, 'model.onnx', ModelFormatError, async () => {
      let graph;
      try {
        graph = readOnnx(memorySource('model.onnx', bytes, files));
      } catch (e) {
        if (e instanceof ModelFormatError) return 'refused when read';
        throw e;
      }
      let loaded = 0;
      const decoded = onnx.ModelProto.decode(bytes);
      for (const t of decoded.graph?.initializer ?? []) {
        try {
          const tensor = await loadOnnxTensor(graph, t.name ?? '');
          assert.ok(tensor.data.length === product(tensor.dims), tensor.name);
          loaded++;
        } catch (e) {
          if (!(e instanceof ModelFormatError)) throw e;
          assert.match(e.message, /model\.onnx: /);
        }
      }
      return loaded === (decoded.graph?.initializer ?? []).length
        ? 'every tensor loaded'
        : 'some tensors refused';
    });

  it('survives hostile external_data entries (location, offset, length) and tensor dims', async () => {
    const entry = fc.constantFrom('location', 'offset', 'length');
    const value = fc.oneof(
      hostilePaths,
      fc.constantFrom('-1', '1e30', 'NaN', '0x10', '1099511627776', '4', '60', '72', ''),
      fc.string(),
    );
    const dims = fc.array(fc.oneof(fc.integer({ min: -2, max: 8 }), fc.constant(2 ** 40)), { maxLength: 3 });
    await fc.assert(
      fc.asyncProperty(fc.nat(1), entry, value, fc.option(dims), (which, key, v, newDims) => {
        const copy = onnx.ModelProto.decode(onnx.ModelProto.encode(model).finish());
        const tensor = copy.graph!.initializer![which]!;
        const found = tensor.externalData!.find((e) => e.key === key);
        if (found) found.value = v;
        if (newDims) tensor.dims = newDims;
        return loadAll(
          onnx.ModelProto.encode(copy).finish(),
          new Map([['weights.bin', external]]),
          'hostile external data entry',
        );
      }),
      runs(0.4),
    );
  });

  it('survives a truncated or flipped external data file', async () => {
    const bytes = onnx.ModelProto.encode(model).finish();
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 4 }),
        (cut, flips) => {
          const data = external.slice(0, cut % (external.length + 1));
          for (const [at, v] of flips) if (data.length > 0) data[at % data.length] = v;
          return loadAll(bytes, new Map([['weights.bin', data]]), 'external data truncated or flipped');
        },
      ),
      runs(0.2),
    );
  });

  it('survives flipped bytes in a model with weights inside (raw_data and dims)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 8 }), (flips) => {
        const bytes = inFile.slice();
        for (const [at, v] of flips) bytes[at % bytes.length] = v;
        return loadAll(bytes, new Map(), 'model bytes flipped, every tensor loaded');
      }),
      runs(0.4),
    );
  });
});

describe(`fuzz: .nn.json weights files (${RUNS} inputs)`, function () {
  this.timeout(FUZZ_TIMEOUT_MS);
  const target = 'nn-json weights';
  const good = encodeWeights({
    tensors: [
      { name: 'dense.weight', shape: [3, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
      { name: 'dense.bias', shape: [3], data: Float32Array.from([7, 8, 9]) },
    ],
    standardization: { mean: [0, 1], std: [1, 2] },
  });
  const headerLength = new DataView(good.buffer).getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(good.subarray(8, 8 + headerLength))) as unknown;

  const check = (bytes: Uint8Array, kind: string) =>
    Promise.all([
      checkLoad(target, kind, 'm.weights.bin', WeightsFormatError, async () => {
        const file = decodeWeights(bytes, 'm.weights.bin');
        for (const t of file.tensors) assert.ok(t.data.length === product(t.shape), t.name);
        return 'decoded';
      }),
      checkLoad(target, `${kind} (as MC reads it)`, 'm.weights.bin', EngineError, async () => {
        parseWeights(bytes, 'm.weights.bin');
        return 'decoded';
      }),
    ]);

  it('survives hostile values in the header', async () => {
    const paths = (function all(v: unknown, at: (string | number)[]): (string | number)[][] {
      if (Array.isArray(v)) return [at, ...v.flatMap((x, i) => all(x, [...at, i]))];
      if (v !== null && typeof v === 'object')
        return [at, ...Object.entries(v).flatMap(([k, x]) => all(x, [...at, k]))];
      return [at];
    })(header, []);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), hostileTokens, async (path, token) => {
        const json = utf8(replaceAt(header, path, token));
        const bytes = new Uint8Array(
          ((8 + json.length + 3) & ~3) + (good.length - ((8 + headerLength + 3) & ~3)),
        );
        bytes.set(good.subarray(0, 4));
        new DataView(bytes.buffer).setUint32(4, json.length, true);
        bytes.set(json, 8);
        bytes.set(good.subarray((8 + headerLength + 3) & ~3), (8 + json.length + 3) & ~3);
        await check(bytes, 'hostile value in the header');
      }),
      runs(0.5),
    );
  });

  it('survives truncated and flipped files', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 8 }),
        async (cut, flips) => {
          const bytes = good.slice(0, cut % (good.length + 1));
          for (const [at, v] of flips) if (bytes.length > 0) bytes[at % bytes.length] = v;
          await check(bytes, 'file truncated or flipped');
        },
      ),
      runs(0.5),
    );
  });
});

describe(`fuzz: Keras weights in HDF5 (${RUNS} inputs per format)`, function () {
  this.timeout(FUZZ_TIMEOUT_MS);
  // The committed files that hold every weight: datasets, not only declared shapes.
  for (const [reader, ext] of [
    [kerasReader, 'keras'],
    [h5Reader, 'h5'],
  ] as const) {
    const target = `${reader.format} weights`;
    const seeds = ['nested_wrappers', 'reuters_mlp_selu'].map((name) => {
      const path = `test/fixtures/keras/${name}.${ext}`;
      return { path, bytes: new Uint8Array(readFileSync(path)) };
    });
    const load = (path: string, bytes: Uint8Array, kind: string) =>
      checkLoad(target, kind, path, ModelFormatError, async () => {
        const source: ModelSource = { path, bytes };
        let graph;
        try {
          graph = reader.open(source);
        } catch (e) {
          if (e instanceof ModelFormatError) return 'model refused when read';
          throw e;
        }
        const weights = layersWeights(graph, source);
        const tensors = await loadTfjsWeights(weights.manifest, weights.source, reader.format);
        for (const t of tensors.values()) assert.ok(t.values.length === product(t.shape), t.name);
        return 'loaded';
      });

    describe(target, () => {
      it('survives truncation at any byte', async () => {
        await fc.assert(
          fc.asyncProperty(fc.constantFrom(...seeds), fc.nat(), (s, n) =>
            load(s.path, s.bytes.subarray(0, n % (s.bytes.length + 1)), 'truncated'),
          ),
          runs(0.5),
        );
      });

      it('survives random byte flips', async () => {
        const flips = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        });
        await fc.assert(
          fc.asyncProperty(fc.constantFrom(...seeds), flips, (s, changes) => {
            const bytes = s.bytes.slice();
            for (const [at, value] of changes) bytes[at % bytes.length] = value;
            return load(s.path, bytes, 'bytes flipped');
          }),
          runs(0.5),
        );
      });
    });
  }
});
