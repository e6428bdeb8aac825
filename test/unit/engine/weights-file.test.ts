// The weights files the MC job and the CLI read: the sidecar the Train panel saves ("DLW1", named and
// shaped tensors) must load into the network by name, not be taken for a bare float32 sidecar.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFromGraph } from '../../../src/core/engine/build';
import { Network } from '../../../src/core/engine/network';
import { Rng } from '../../../src/core/random/rng';
import {
  applyWeights,
  parseWeights,
  readWeights,
  WeightsFileError,
} from '../../../src/core/engine/weights-file';
import { openModel } from '../../../src/core/formats/detect';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { encodeWeights } from '../../../src/core/formats/nnjson/weights';
import { DEFAULT_SIZE_LIMIT, FileTooLargeError } from '../../../src/core/io/size-limit';

function digitsNetwork(seed: number): Network {
  const built = buildFromGraph(openModel(nodeModelSource('samples/digits-mlp.nn.json')));
  const net = new Network(built.inputShape, built.specs);
  net.init(new Rng(seed));
  return net;
}

describe('weights files', () => {
  it('loads a DLW1 sidecar by tensor name into a network initialised differently', () => {
    const trained = digitsNetwork(1);
    const tensors = trained
      .tensors()
      .map((t) => ({ name: t.name, shape: t.shape, data: Float32Array.from(t.value) }));
    // Saved in reverse order: loading must go by name, not by position.
    const bytes = encodeWeights({
      tensors: [...tensors].reverse(),
      standardization: { mean: [0], std: [1] },
    });
    const data = parseWeights(bytes, 'digits-mlp.weights.bin');
    assert.equal(data.kind, 'named');
    const other = digitsNetwork(2);
    assert.notDeepEqual(Array.from(other.tensors()[0]!.value), Array.from(tensors[0]!.data));
    applyWeights(other, data);
    for (const [i, t] of other.tensors().entries()) {
      assert.equal(t.name, tensors[i]!.name);
      assert.deepEqual(Array.from(t.value), Array.from(tensors[i]!.data));
    }
    if (data.kind === 'named') assert.deepEqual(data.shapes?.[tensors[0]!.name], tensors[0]!.shape);
  });

  it('still reads a bare float32 sidecar layer by layer', () => {
    const values = new Float32Array([1.5, -2, 0.25]);
    const data = parseWeights(new Uint8Array(values.buffer), 'old.bin');
    assert.deepEqual(data, { kind: 'flat', values });
  });
});

describe("readWeights: --weights, else the model's sidecar", () => {
  let dir: string;
  let folder: string;
  const limit = DEFAULT_SIZE_LIMIT;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'dl-weights-'));
    folder = join(dir, 'model');
    mkdirSync(folder);
    writeFileSync(join(folder, 'side.json'), JSON.stringify({ 'a.weight': [1, 2] }));
    writeFileSync(join(dir, 'chosen.json'), JSON.stringify({ 'a.weight': [3, 4] }));
    writeFileSync(join(dir, 'outside.json'), JSON.stringify({ 'a.weight': [5, 6] }));
    symlinkSync(join(dir, 'outside.json'), join(folder, 'link.json'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** The moons-mc sample with its "weights" field set to `weights` (left out when undefined). */
  function model(weights: string | undefined) {
    const spec = JSON.parse(readFileSync('samples/moons-mc.nn.json', 'utf8')) as Record<string, unknown>;
    if (weights === undefined) delete spec.weights;
    else spec.weights = weights;
    const path = join(folder, 'm.nn.json');
    writeFileSync(path, JSON.stringify(spec));
    const source = nodeModelSource(path, limit);
    return { graph: openModel(source), source };
  }

  async function refusal(run: () => Promise<unknown>): Promise<WeightsFileError> {
    const e = await run().then(
      () => assert.fail('read'),
      (e: unknown) => e,
    );
    assert.ok(e instanceof WeightsFileError, String(e));
    return e;
  }

  it('reads the file named explicitly, over the sidecar', async () => {
    const { graph, source } = model('side.json');
    const path = join(dir, 'chosen.json');
    const read = await readWeights(graph, source, { path, limit });
    assert.equal(read?.file, path);
    assert.deepEqual(read?.data, { kind: 'named', weights: { 'a.weight': [3, 4] } });
  });

  it('reads the sidecar beside the model when none is named, and nothing without either', async () => {
    const { graph, source } = model('side.json');
    const read = await readWeights(graph, source);
    assert.equal(read?.file, 'side.json');
    assert.deepEqual(read?.data, { kind: 'named', weights: { 'a.weight': [1, 2] } });
    const bare = model(undefined);
    assert.equal(await readWeights(bare.graph, bare.source), undefined);
  });

  it("refuses a sidecar that leaves the model's folder, by name or through a link", async () => {
    for (const name of ['../outside.json', join(dir, 'outside.json'), 'link.json']) {
      const { graph, source } = model(name);
      const e = await refusal(() => readWeights(graph, source));
      assert.equal(e.file, name);
      assert.ok(e.message.startsWith(`${name}: refusing "${name}": `), e.message);
    }
  });

  it('names the missing or oversized file it could not read', async () => {
    const { graph, source } = model('gone.json');
    const sidecar = await refusal(() => readWeights(graph, source));
    assert.equal(sidecar.file, 'gone.json');
    assert.match(sidecar.message, /^gone\.json: ENOENT/);
    const path = join(dir, 'gone.json');
    const chosen = await refusal(() => readWeights(graph, source, { path, limit }));
    assert.equal(chosen.file, path);
    assert.ok(chosen.message.startsWith(`${path}: ENOENT`), chosen.message);
    const small = { bytes: 4, setting: '--max-file-size-mb' };
    const large = await refusal(() =>
      readWeights(graph, source, { path: join(dir, 'chosen.json'), limit: small }),
    );
    assert.ok(large.cause instanceof FileTooLargeError, String(large.cause));
  });
});
