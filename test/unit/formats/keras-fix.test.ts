// Fix and Save As for `.keras` files: a Keras 3 zip with two fixable mistakes (rates written as strings) in its config.json (made here
// from a fixture with Python's zipfile, the module Keras saves with), fixed, then checked by Python's
// zipfile as an independent reader: every entry but config.json byte-identical and in the same order,
// config.json changed only where the fixes say; the Keras reader finds neither mistake in the new file.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { fixModelFile, fixNotOffered } from '../../../src/core/fix/fix-model';
import { lintSource } from '../../../src/core/lint/lint-source';

const FIXTURE = 'test/fixtures/keras/reuters_mlp_selu.keras';

/** Copies the fixture entry by entry; config.json gets two rates written as strings. */
const BREAK = `
import json, sys, zipfile
src, dst = sys.argv[1:3]
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
    for info in zin.infolist():
        data = zin.read(info)
        if info.filename == "config.json":
            config = json.loads(data)
            layers = {l["config"].get("name"): l for l in config["config"]["layers"]}
            layers["alpha_dropout_5"]["config"]["rate"] = "0.25"
            layers["alpha_dropout_2"]["config"]["rate"] = "0.1"
            data = json.dumps(config).encode()
        zout.writestr(info, data)
`;

/** Both zips through zipfile: entry names in order, which entries differ, and both configs. */
const COMPARE = `
import json, sys, zipfile
a, b = (zipfile.ZipFile(p) for p in sys.argv[1:3])
assert b.testzip() is None
print(json.dumps({
    "names": [[i.filename for i in z.infolist()] for z in (a, b)],
    "methods": [i.compress_type for i in b.infolist()],
    "differ": [n for n in a.namelist() if a.read(n) != b.read(n)],
    "configs": [json.loads(z.read("config.json")) for z in (a, b)],
}))
`;

function python(script: string, ...args: string[]): string {
  const run = spawnSync('/usr/bin/python3', ['-c', script, ...args], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout;
}

const findingsOf = (path: string, bytes: Uint8Array) =>
  lintSource({ path, bytes }).findings.map((f) => `${f.rule} ${f.layer.name}`);

describe('Keras Fix and Save As (keras/fix, fix-keras)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'keras-fix-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('fixes config.json only: other entries byte-identical, the fixed file re-reads without the findings', () => {
    const broken = join(dir, 'broken.keras');
    python(BREAK, FIXTURE, broken);
    const source = nodeModelSource(broken);
    const before = findingsOf(broken, source.bytes);
    assert.ok(before.includes('rate-out-of-range alpha_dropout_5'), before.join('; '));
    assert.ok(before.includes('rate-out-of-range alpha_dropout_2'), before.join('; '));

    const result = fixModelFile(source);
    assert.deepEqual(result.fixed.map((f) => `${f.finding.rule} ${f.finding.layer.name}`).sort(), [
      'rate-out-of-range alpha_dropout_2',
      'rate-out-of-range alpha_dropout_5',
    ]);
    const fixedPath = join(dir, 'broken.fixed.keras');
    writeFileSync(fixedPath, result.bytes);

    const seen = JSON.parse(python(COMPARE, broken, fixedPath)) as {
      names: string[][];
      methods: number[];
      differ: string[];
      configs: { config: { layers: { class_name: string; config: Record<string, unknown> }[] } }[];
    };
    assert.deepEqual(seen.names[1], seen.names[0]);
    assert.deepEqual(seen.names[0], ['metadata.json', 'config.json', 'model.weights.h5']);
    assert.deepEqual(seen.methods, [0, 0, 0], 'stored, as Keras writes them');
    assert.deepEqual(seen.differ, ['config.json']);
    // The configs as zipfile and json read them: equal once the two fixed values are set by hand.
    const [original, fixed] = seen.configs as [(typeof seen.configs)[0], (typeof seen.configs)[0]];
    const byName = (c: typeof original, name: string) =>
      c.config.layers.find((l) => l.config.name === name) as (typeof original.config.layers)[0];
    assert.equal(byName(fixed, 'alpha_dropout_5').config.rate, 0.25);
    assert.equal(byName(fixed, 'alpha_dropout_2').config.rate, 0.1);
    byName(original, 'alpha_dropout_5').config.rate = 0.25;
    byName(original, 'alpha_dropout_2').config.rate = 0.1;
    assert.deepEqual(fixed, original);

    const after = findingsOf(fixedPath, readFileSync(fixedPath));
    assert.ok(!after.some((f) => f.startsWith('rate-out-of-range ')), after.join('; '));
    assert.deepEqual(
      after,
      result.remaining.map((f) => `${f.rule} ${f.layer.name}`),
    );
  });

  it('leaves a .keras without fixable findings as it is, and offers no fix for .h5', () => {
    const result = fixModelFile(nodeModelSource('test/fixtures/keras/mnist_cnn.keras'));
    assert.deepEqual(result.fixed, []);
    assert.deepEqual(result.bytes, readFileSync('test/fixtures/keras/mnist_cnn.keras'));
    assert.match(fixNotOffered('mnist_cnn.h5') ?? '', /not offered for Keras \.h5 .*no HDF5 writer/);
    assert.equal(fixNotOffered('mnist_cnn.keras'), undefined);
    assert.equal(fixNotOffered('net.onnx'), undefined);
  });
});
