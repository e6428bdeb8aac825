// Layers inside If / Loop / Scan subgraphs, on a hand-written model (test/fixtures/onnx-subgraph/generate.py):
// a Dropout-13 with training_mode true in a Loop body inside an If branch. The references are the ONNX
// Dropout-13 spec (training_mode true: random at inference), the onnx package's checker and numpy.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { fixOnnxBytes } from '../../../src/core/formats/onnx/fix';
import { readOnnx } from '../../../src/core/formats/onnx/reader';
import { fixOnnx } from '../../../src/core/fix/fix-onnx';
import { lintSource } from '../../../src/core/lint/lint-source';
import { shapeCoverage } from '../../../src/core/lint/shape-coverage';
import { paramCounts } from '../../../src/core/model/param-counts';

const PATH = 'test/fixtures/onnx-subgraph/nested_dropout.onnx';
const PYTHON = '/usr/bin/python3';

/** The onnx checker's verdict on a file, and numpy's x · w · w (the Loop runs twice) for x = 1..8 / 8. */
const CHECK = `
import sys, json, numpy as np, onnx
from onnx import numpy_helper
m = onnx.load(sys.argv[1])
onnx.checker.check_model(m)
w = numpy_helper.to_array(next(t for t in m.graph.initializer if t.name == 'w'))
x = (np.arange(1, 9, dtype=np.float32) / 8).reshape(1, 8)
print(json.dumps((x @ w @ w).ravel().tolist()))
`;

function checked(bytes: Uint8Array): number[] {
  const dir = mkdtempSync(join(tmpdir(), 'subgraph-'));
  try {
    const file = join(dir, 'fixed.onnx');
    writeFileSync(file, bytes);
    const r = spawnSync(PYTHON, ['-c', CHECK, file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as number[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const hasOnnx = spawnSync(PYTHON, ['-c', 'import onnx, numpy'], { stdio: 'ignore' }).status === 0;

describe('ONNX subgraphs: a Dropout in a Loop body inside an If branch', () => {
  const source = nodeModelSource(PATH);

  it('reads the nested nodes as layers that name their subgraph, and counts the outer weight once', () => {
    const graph = readOnnx(source);
    const at = (name: string) => graph.layers.find((l) => l.name === name);
    assert.equal(at('loop')?.source.subgraph, 'branch/then_branch');
    assert.equal(at('body_dropout')?.source.subgraph, 'loop/body');
    assert.equal(at('else_relu')?.source.subgraph, 'branch/else_branch');
    assert.equal(at('branch')?.source.subgraph, undefined);
    // The If reads its branches' outputs, the Loop its body's: the Dropout reaches the graph output.
    assert.deepEqual(at('branch')?.inputs, ['flag', 'else_relu', 'loop']);
    assert.deepEqual(at('loop')?.inputs, ['x', 'body_cond', 'body_matmul']);
    assert.equal(paramCounts(graph).total, 64);
    // The shape coverage counts the top-level graph's nodes, as onnx counts them: the If alone.
    assert.deepEqual(shapeCoverage(graph), { known: 1, layers: 1, unrankedDropouts: [] });
  });

  it('reports the Dropout as random at inference (Dropout-13, training_mode true), and nothing else', () => {
    const findings = lintSource(source).findings;
    assert.deepEqual(
      findings.map((f) => `${f.rule} ${f.layer.name}`),
      ['dropout-active-at-inference body_dropout'],
    );
    assert.match(findings[0]?.message ?? '', /\(Inside subgraph loop\/body\.\)$/);
  });

  it('Fix and Save As repairs it in the nested graph: the checker accepts the file and it runs as numpy computes', async function () {
    if (!hasOnnx) this.skip();
    this.timeout(20_000);
    const result = fixOnnx(source);
    assert.deepEqual(
      result.fixed.map((f) => `${f.finding.rule} ${f.finding.layer.name}`),
      ['dropout-active-at-inference body_dropout', 'inference-noop-dropout body_dropout'],
    );
    assert.deepEqual(result.remaining, []);
    const expected = checked(result.bytes);
    const session = await ort.InferenceSession.create(result.bytes);
    const x = new ort.Tensor(
      'float32',
      Float32Array.from({ length: 8 }, (_, i) => (i + 1) / 8),
      [1, 8],
    );
    const out = await session.run({ x, flag: new ort.Tensor('bool', [true], []) });
    const y = Array.from((out.y as ort.Tensor).data as Float32Array);
    y.forEach((v, i) => assert.ok(Math.abs(v - (expected[i] as number)) < 1e-4, `[${i}] ${v}`));
  });

  it('sets a nested Dropout-13 ratio through an outer initializer the checker accepts', function () {
    if (!hasOnnx) this.skip();
    this.timeout(20_000);
    const edit = { kind: 'set-attribute' as const, layer: 'body_dropout', name: 'ratio', value: 0.1 };
    const out = fixOnnxBytes(source.bytes, PATH, [edit]);
    assert.deepEqual(out.applied, [edit]);
    checked(out.bytes);
    const dropout = readOnnx({ path: PATH, bytes: out.bytes }).layers.find((l) => l.name === 'body_dropout');
    assert.ok(Math.abs((dropout?.dropout?.rate ?? 0) - 0.1) < 1e-6);
  });
});
