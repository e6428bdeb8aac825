// Fix and Save As for `.keras` files: Keras 3 zips with rates written as strings in their config.json
// (made here from the fixtures with Python's zipfile, the module Keras saves with; one rate inside a
// nested Functional model), fixed, then checked by Python's zipfile and json as independent readers:
// every entry but config.json byte-identical and in the same order, config.json equal to the original
// once the fixed rates are set by hand; the Keras reader finds none of the mistakes in the new file.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { openModel } from '../../../src/core/formats/detect';
import { readKerasConfigText } from '../../../src/core/formats/keras/archive';
import { configInPlace } from '../../../src/core/fix/fix-keras';
import { fixModelFile, fixNotOffered } from '../../../src/core/fix/fix-model';
import type { Graph } from '../../../src/core/model/ir';
import { lintSource } from '../../../src/core/lint/lint-source';

/**
 * `python3 -c EDIT src dst mode '[[layer, rate], …]'` copies a .keras entry by entry, with each named
 * layer's rate (looked up in nested models too) set to the given value: `break` writes it as a string,
 * `set` as a number. Printed: the config as JSON, after the change.
 */
const EDIT = `
import json, sys, zipfile
src, dst, mode, edits = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
def layers(config):
    for layer in config["config"].get("layers", []):
        yield layer
        yield from layers(layer)
with zipfile.ZipFile(src) as zin:
    config = json.loads(zin.read("config.json"))
    by_name = {l["config"]["name"]: l for l in layers(config)}
    for name, rate in edits:
        by_name[name]["config"]["rate"] = str(rate) if mode == "break" else rate
    if dst != "-":
        with zipfile.ZipFile(dst, "w") as zout:
            for info in zin.infolist():
                data = zin.read(info)
                zout.writestr(info, json.dumps(config).encode() if info.filename == "config.json" else data)
print(json.dumps(config))
`;

/** Both zips through zipfile: entry names in order, compression, which entries differ, the new config. */
const COMPARE = `
import json, sys, zipfile
a, b = (zipfile.ZipFile(p) for p in sys.argv[1:3])
assert b.testzip() is None
print(json.dumps({
    "names": [[i.filename for i in z.infolist()] for z in (a, b)],
    "methods": [i.compress_type for i in b.infolist()],
    "differ": [n for n in a.namelist() if a.read(n) != b.read(n)],
    "config": json.loads(b.read("config.json")),
}))
`;

function python(script: string, ...args: string[]): string {
  const run = spawnSync('/usr/bin/python3', ['-c', script, ...args], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout;
}

const MODELS = [
  'mnist_cnn',
  'cifar10_cnn',
  'imdb_lstm',
  'imdb_bidirectional_lstm',
  'reuters_mlp_selu',
  'nested_wrappers',
];

const findingsOf = (path: string, bytes: Uint8Array) =>
  lintSource({ path, bytes }).findings.map((f) => `${f.rule} ${f.layer.name}`);

describe('Keras Fix and Save As (keras/fix, fix-keras)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'keras-fix-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [model, edits, layerNames] of [
    [
      'reuters_mlp_selu',
      [
        ['alpha_dropout_2', 0.1],
        ['alpha_dropout_5', 0.25],
      ],
      ['alpha_dropout_2', 'alpha_dropout_5'],
    ],
    ['nested_wrappers', [['dropout', 0.5]], ['functional/dropout']],
  ] as const) {
    it(`${model}: only config.json changes, as the fixes say; the new file re-reads without the findings`, () => {
      const fixture = `test/fixtures/keras/${model}.keras`;
      const broken = join(dir, `${model}.keras`);
      const args = JSON.stringify(edits);
      python(EDIT, fixture, broken, 'break', args);
      const source = nodeModelSource(broken);
      const expected = layerNames.map((l) => `rate-out-of-range ${l}`);
      const before = findingsOf(broken, source.bytes);
      for (const finding of expected) assert.ok(before.includes(finding), before.join('; '));

      const result = fixModelFile(source);
      assert.deepEqual(result.fixed.map((f) => `${f.finding.rule} ${f.finding.layer.name}`).sort(), expected);
      const fixedPath = join(dir, `${model}.fixed.keras`);
      writeFileSync(fixedPath, result.bytes);

      const seen = JSON.parse(python(COMPARE, broken, fixedPath)) as {
        names: string[][];
        methods: number[];
        differ: string[];
        config: unknown;
      };
      assert.deepEqual(seen.names[1], seen.names[0]);
      assert.deepEqual(seen.names[0], ['metadata.json', 'config.json', 'model.weights.h5']);
      assert.deepEqual(seen.methods, [0, 0, 0], 'stored, as Keras writes them');
      assert.deepEqual(seen.differ, ['config.json']);
      // The fixture's own config with the rates set as numbers by Python, not by the fix.
      assert.deepEqual(seen.config, JSON.parse(python(EDIT, fixture, '-', 'set', args)));

      const after = findingsOf(fixedPath, readFileSync(fixedPath));
      assert.ok(!after.some((f) => f.startsWith('rate-out-of-range ')), after.join('; '));
      assert.deepEqual(
        after,
        result.remaining.map((f) => `${f.rule} ${f.layer.name}`),
      );
    });
  }

  it('reads each config.json in place as the Keras reader reads the file: the same layers, shapes, rates and parameters', () => {
    const layers = (g: Graph | undefined) =>
      g?.layers.map((l) => [l.id, l.op, l.outputShape, l.dropout?.rate, l.params, l.inputs]);
    for (const model of MODELS) {
      const source = nodeModelSource(`test/fixtures/keras/${model}.keras`);
      const { graph } = configInPlace(readKerasConfigText(source.bytes, source.path).config, source.path);
      assert.ok(graph, model);
      assert.deepEqual(layers(graph), layers(openModel(source)), model);
    }
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
