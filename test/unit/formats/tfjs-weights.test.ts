import * as assert from 'node:assert/strict';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openModel } from '../../../src/core/formats/detect';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { ModelFormatError, type ModelSource } from '../../../src/core/formats/reader';
import { halfToFloat, loadTfjsWeights, type WeightsGroup } from '../../../src/core/formats/tfjs/weights';

const FIXTURES = join('test', 'fixtures', 'tfjs');

interface Facts {
  shape: number[];
  sum: number;
  first: number[];
  last: number;
  quantization?: { dtype: string; scale?: number; min?: number };
  original?: Facts;
}

function expectedWeights(name: string): Record<string, Facts> {
  return (
    JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8')) as {
      weights: Record<string, Facts>;
    }
  ).weights;
}

async function load(source: ModelSource) {
  const graph = openModel(source);
  return loadTfjsWeights(graph.meta.weightsManifest as WeightsGroup[], source, graph.format);
}

function total(values: ArrayLike<number>): number {
  return Array.from(values).reduce((a, b) => a + b, 0);
}

/** Equal to the 9 significant digits expected.json keeps. */
function close(actual: number, expected: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= 1e-6 * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} vs ${expected}`,
  );
}

describe('TensorFlow.js weights', () => {
  for (const name of ['mlp', 'functional', 'cnn', 'conv1d', 'rnn', 'selu', 'gaussian']) {
    it(`${name}: loaded tensors equal tfjs's own weights`, async () => {
      const tensors = await load(nodeModelSource(join(FIXTURES, name, 'model.json')));
      const expected = expectedWeights(name);
      assert.deepEqual([...tensors.keys()].sort(), Object.keys(expected).sort());
      for (const [key, facts] of Object.entries(expected)) {
        const t = tensors.get(key)!;
        assert.deepEqual(t.shape, facts.shape);
        close(total(t.values), facts.sum, `${key} sum`);
        facts.first.forEach((v, i) => close(t.values[i] as number, v, `${key}[${i}]`));
        close(t.values[t.values.length - 1] as number, facts.last, `${key} last`);
      }
    });
  }

  it('joins shards in manifest order, reading each through readSibling', async () => {
    const real = nodeModelSource(join(FIXTURES, 'mlp', 'model.json'));
    const asked: string[] = [];
    const tensors = await load({
      ...real,
      readSibling: (p) => {
        asked.push(p);
        return real.readSibling!(p);
      },
    });
    assert.deepEqual(asked, ['group1-shard1of2.bin', 'group1-shard2of2.bin']);
    // hidden2/kernel (bytes 640-1408) straddles the 1024-byte shard boundary.
    close(total(tensors.get('hidden2/kernel')!.values), expectedWeights('mlp')['hidden2/kernel']!.sum, 'sum');
  });

  it('dequantizes uint8, uint16 and float16 as tfjs does, within the quantization step', async () => {
    const tensors = await load(nodeModelSource(join(FIXTURES, 'quantized', 'model.json')));
    const schemes = new Set<string>();
    for (const [key, facts] of Object.entries(expectedWeights('quantized'))) {
      const t = tensors.get(key)!;
      const q = facts.quantization!;
      schemes.add(q.dtype);
      facts.first.forEach((v, i) => close(t.values[i] as number, v, `${key}[${i}] vs tf.io.decodeWeights`));
      close(total(t.values), facts.sum, `${key} sum vs tf.io.decodeWeights`);
      facts.original!.first.forEach((original, i) => {
        const error = Math.abs((t.values[i] as number) - original);
        // Affine: at most half a step off; float16: 11 significant bits.
        const bound =
          q.dtype === 'float16' ? Math.abs(original) * 2 ** -11 + 1e-7 : (q.scale as number) / 2 + 1e-7;
        assert.ok(error <= bound, `${key}[${i}] off by ${error} > ${bound}`);
      });
    }
    assert.deepEqual([...schemes].sort(), ['float16', 'uint16', 'uint8']);
  });

  it('decodes half floats, subnormals and infinities included', () => {
    assert.deepEqual([0x3c00, 0xc000, 0x3555, 0x0001, 0x7bff, 0x7c00, 0x0000].map(halfToFloat), [
      1,
      -2,
      0.333251953125,
      2 ** -24,
      65504,
      Infinity,
      0,
    ]);
    assert.ok(Number.isNaN(halfToFloat(0x7e00)));
  });

  describe('bad shards give a located error', () => {
    // base/model/ holds a copy of the mlp fixture; base/ holds a shard a bad path could reach.
    let base: string;
    let dir: string;
    beforeEach(() => {
      base = mkdtempSync(join(tmpdir(), 'tfjs-weights-'));
      dir = join(base, 'model');
      mkdirSync(dir);
      for (const f of readdirSync(join(FIXTURES, 'mlp')))
        copyFileSync(join(FIXTURES, 'mlp', f), join(dir, f));
      copyFileSync(join(dir, 'group1-shard1of2.bin'), join(base, 'group1-shard1of2.bin'));
    });
    afterEach(() => rmSync(base, { recursive: true, force: true }));

    async function rejects(message: RegExp, at: string): Promise<void> {
      const path = join(dir, 'model.json');
      const text = readFileSync(path, 'utf8');
      await assert.rejects(load(nodeModelSource(path)), (e: unknown) => {
        assert.ok(e instanceof ModelFormatError, String(e));
        assert.match(e.message, message);
        assert.ok(e.location && 'offset' in e.location);
        assert.equal(text.slice(e.location.offset, e.location.offset + e.location.length).split('\n')[0], at);
        return true;
      });
    }

    it('a missing shard', async () => {
      rmSync(join(dir, 'group1-shard2of2.bin'));
      await rejects(/cannot read weight shard "group1-shard2of2.bin"/, '"group1-shard2of2.bin"');
    });

    it('a short shard names the weight that runs past the end', async () => {
      writeFileSync(
        join(dir, 'group1-shard2of2.bin'),
        readFileSync(join(dir, 'group1-shard2of2.bin')).subarray(0, 500),
      );
      await rejects(/weight "out\/kernel" needs bytes 1392-1536 but the shards .* hold only 1524/, '{');
    });

    it('a path that leaves the model folder is refused by readSibling', async () => {
      const path = join(dir, 'model.json');
      writeFileSync(
        path,
        readFileSync(path, 'utf8').replace('"group1-shard1of2.bin"', '"../group1-shard1of2.bin"'),
      );
      await rejects(
        /cannot read weight shard "\.\.\/group1-shard1of2.bin": .*leaves the model's folder/,
        '"../group1-shard1of2.bin"',
      );
    });

    it('a source that cannot read siblings', async () => {
      const { path, bytes } = nodeModelSource(join(dir, 'model.json'));
      await assert.rejects(load({ path, bytes }), /no access to files beside the model/);
    });
  });
});
