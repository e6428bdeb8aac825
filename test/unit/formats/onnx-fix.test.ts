// The ONNX writer behind "Fix and Save As…": the fixed file re-lints clean for the fixed rules, and
// onnxruntime (an independent reader) loads it and gives PyTorch's own eval-mode output; the onnx
// package's checker accepts a fixed BatchNormalization.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { fixOnnxBytes } from '../../../src/core/formats/onnx/fix';
import { summariseFixes } from '../../../src/core/fix/describe-fix';
import { fixOnnx } from '../../../src/core/fix/fix-onnx';
import { lintSource } from '../../../src/core/lint/lint-source';

const TORCH = 'test/fixtures/onnx-torch';

interface Report {
  inputShape: number[];
  evalInput: number[];
  evalOutput: number[];
}

async function run(bytes: Uint8Array, report: Report): Promise<number[]> {
  const session = await ort.InferenceSession.create(bytes);
  const input = new ort.Tensor('float32', Float32Array.from(report.evalInput), report.inputShape);
  const out = await session.run({ input });
  return Array.from((out.output as ort.Tensor).data as Float32Array);
}

function assertClose(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) =>
    assert.ok(Math.abs(a - (expected[i] as number)) < 1e-5, `[${i}] ${a} vs ${expected[i]}`),
  );
}

const rulesOf = (bytes: Uint8Array, path: string) =>
  lintSource({ path, bytes }).findings.map((f) => `${f.rule} ${f.layer.name}`);

describe('ONNX Fix and Save As (onnx-fix, fix-onnx)', () => {
  for (const [name, fixes] of [
    // Training-mode export: training_mode off, then (second round) the now no-op Dropout removed.
    ['mlp_train_opset13', ['dropout-active-at-inference /2/Dropout', 'inference-noop-dropout /2/Dropout']],
    // Dropout-7: an identity at inference, removed.
    ['mlp_train_opset9', ['inference-noop-dropout /2/Dropout']],
  ] as const) {
    it(`${name}: fixes ${fixes.length} finding(s), re-lints clean, runs in onnxruntime with PyTorch's eval output`, async () => {
      const path = `${TORCH}/${name}.onnx`;
      const report = JSON.parse(readFileSync(`${TORCH}/${name}.json`, 'utf8')) as Report;
      const original = nodeModelSource(path);
      assert.deepEqual(rulesOf(original.bytes, path), fixes.slice(0, 1));

      const result = fixOnnx(original);
      assert.deepEqual(
        result.fixed.map((f) => `${f.finding.rule} ${f.finding.layer.name}`),
        fixes,
      );
      assert.deepEqual(result.remaining, []);
      assert.deepEqual(rulesOf(result.bytes, path), []);
      const model = onnx.ModelProto.decode(result.bytes);
      assert.deepEqual(
        model.graph?.node?.map((n) => n.opType),
        ['Gemm', 'Relu', 'Gemm'],
      );
      assertClose(await run(result.bytes, report), report.evalOutput);
      // The original bytes are untouched.
      assert.deepEqual(original.bytes, readFileSync(path));
    });
  }

  it('says what each fix changed: the op and name of each layer and the new value', () => {
    const result = fixOnnx(nodeModelSource(`${TORCH}/rules/consecutive.onnx`));
    assert.deepEqual(
      result.fixed.map((f) => `${f.finding.rule}: ${f.change}`),
      [
        "consecutive-dropout: Dropout '/drop1/Dropout': rate → 0.51, Dropout '/drop2/Dropout' removed",
        "dropout-active-at-inference: Dropout '/drop1/Dropout': training_mode → false",
        "inference-noop-dropout: Dropout '/drop1/Dropout' removed",
      ],
    );
  });

  it('sums up a rule with many fixes in one line for the message, and lists the others', () => {
    const bn = (i: number) => ({
      change: `BatchNormalization '/bn${i}/BatchNormalization': training_mode → false`,
      rule: 'batchnorm-training-mode',
    });
    const dropout = { change: "Dropout '/drop/Dropout' removed", rule: 'inference-noop-dropout' };
    assert.deepEqual(summariseFixes([bn(1), dropout, bn(2), bn(3), bn(4)]), [
      "4 × batchnorm-training-mode: BatchNormalization '/bn1/BatchNormalization': training_mode → false, …",
      "Dropout '/drop/Dropout' removed (inference-noop-dropout)",
    ]);
    assert.deepEqual(summariseFixes([bn(1), bn(2)]), [
      "BatchNormalization '/bn1/BatchNormalization': training_mode → false (batchnorm-training-mode)",
      "BatchNormalization '/bn2/BatchNormalization': training_mode → false (batchnorm-training-mode)",
    ]);
  });

  it('sets the ratio of Dropout-13 (new initializer) and of Dropout-7 (attribute); onnxruntime loads both', async () => {
    for (const [name, opset] of [
      ['mlp_train_opset13', 13],
      ['mlp_train_opset9', 9],
    ] as const) {
      const path = `${TORCH}/${name}.onnx`;
      const edit = { kind: 'set-attribute', layer: '/2/Dropout', name: 'rate', value: 0.25 } as const;
      const out = fixOnnxBytes(readFileSync(path), path, [edit]);
      assert.deepEqual(out.applied, [edit]);
      const graph = lintSource({ path, bytes: out.bytes }).graph;
      assert.equal(graph?.layers.find((l) => l.op === 'dropout')?.dropout?.rate, 0.25, name);
      const dropout = onnx.ModelProto.decode(out.bytes).graph?.node?.find((n) => n.opType === 'Dropout');
      if (opset === 9) assert.equal(dropout?.attribute?.find((a) => a.name === 'ratio')?.f, 0.25);
      else assert.equal(dropout?.input?.[1], '/2/Dropout_ratio');
      await ort.InferenceSession.create(out.bytes);
    }
  });

  it('skips what ONNX cannot express and nodes it does not know', () => {
    const path = `${TORCH}/mlp_train_opset9.onnx`;
    const move = { kind: 'move-layer', layer: '/2/Dropout', position: 'before', anchor: '/0/Gemm' } as const;
    const missing = { kind: 'remove-layer', layer: 'nope' } as const;
    const training = {
      kind: 'set-attribute',
      layer: '/2/Dropout',
      name: 'training_mode',
      value: false,
    } as const;
    const out = fixOnnxBytes(readFileSync(path), path, [move, missing, training]);
    assert.deepEqual(out.skipped, [move, missing, training]);
  });

  it('keeps every Dropout of a model marked for MC dropout (its metadata_props), active or not', () => {
    for (const name of ['mlp_train_opset13', 'mlp_train_opset9']) {
      const path = `${TORCH}/${name}.onnx`;
      const model = onnx.ModelProto.decode(readFileSync(path));
      model.metadataProps.push(
        onnx.StringStringEntryProto.create({ key: 'dropout_lens.mc_dropout', value: 'true' }),
      );
      const bytes = onnx.ModelProto.encode(model).finish();
      const dropoutsOf = (b: Uint8Array) =>
        onnx.ModelProto.decode(b).graph?.node?.filter((n) => n.opType === 'Dropout') ?? [];
      const result = fixOnnx({ path, bytes });
      assert.deepEqual(
        result.fixed.map((f) => f.finding.rule).filter((r) => r.includes('dropout')),
        [],
        name,
      );
      assert.deepEqual(dropoutsOf(result.bytes), dropoutsOf(bytes), name);
      // Still reported, and still offered as a quick fix.
      const left = result.remaining.find((f) =>
        /dropout-active-at-inference|inference-noop-dropout/.test(f.rule),
      );
      assert.ok(left?.fixes?.length, name);
    }
  });
});

const PYTHON = '/usr/bin/python3';
const REFERENCE = 'test/support/batchnorm_reference.py';
const hasTorch =
  spawnSync(PYTHON, ['-c', 'import torch, torchvision, onnx'], { stdio: 'ignore' }).status === 0;

function python(...args: string[]): string {
  const r = spawnSync(PYTHON, [REFERENCE, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** Deterministic images: sample k of shape [3, size, size] is the same whatever batch it is in. */
function sample(k: number, size: number): number[] {
  return Array.from({ length: 3 * size * size }, (_, i) => Math.sin(0.37 * i + 1.7 * k) * (1 + k / 3));
}

async function runBatch(session: ort.InferenceSession, samples: number[], size: number): Promise<number[][]> {
  const values = Float32Array.from(samples.flatMap((k) => sample(k, size)));
  const input = new ort.Tensor('float32', values, [samples.length, 3, size, size]);
  const data = Array.from((await session.run({ input })).output?.data as Float32Array);
  const width = data.length / samples.length;
  return samples.map((_, i) => data.slice(i * width, (i + 1) * width));
}

/**
 * Fixes a training-mode export and checks the result: every BatchNormalization keeps Y alone, the onnx
 * package's checker accepts the file, onnxruntime's output for a sample does not depend on the rest of its
 * batch, and it equals PyTorch's eval-mode output with the file's weights and running statistics.
 */
async function assertBatchNormFixed(path: string, arch: string, size: number, dir: string): Promise<void> {
  const original = nodeModelSource(path);
  const count = onnx.ModelProto.decode(original.bytes).graph?.node?.filter(
    (n) => n.opType === 'BatchNormalization',
  ).length;
  const result = fixOnnx(original);
  const fixedBn = result.fixed.filter((f) => f.finding.rule === 'batchnorm-training-mode');
  assert.equal(fixedBn.length, count);
  assert.match(fixedBn[0]?.change ?? '', /^BatchNormalization '.+': training_mode → false$/);
  assert.deepEqual(
    result.remaining.filter((f) => f.rule === 'batchnorm-training-mode'),
    [],
  );
  for (const n of onnx.ModelProto.decode(result.bytes).graph?.node ?? []) {
    if (n.opType !== 'BatchNormalization') continue;
    assert.equal(n.output?.length, 1);
    assert.equal(
      n.attribute?.find((a) => a.name === 'training_mode'),
      undefined,
    );
  }
  const fixed = join(dir, 'fixed.onnx');
  writeFileSync(fixed, result.bytes);
  const input = join(dir, 'input.json');
  writeFileSync(input, JSON.stringify({ shape: [1, 3, size, size], values: sample(0, size) }));
  // One Python run: the onnx checker on the fixed file, PyTorch's eval output with the original's weights.
  const reference = JSON.parse(python('verify', arch, path, fixed, input)) as {
    checked: boolean;
    output: number[];
  };
  assert.equal(reference.checked, true);

  const session = await ort.InferenceSession.create(result.bytes);
  const [first] = await runBatch(session, [0, 1, 2], size);
  const [again] = await runBatch(session, [0, 5, 6, 7], size);
  const [alone] = await runBatch(session, [0], size);
  for (const [name, row] of [
    ['batch of 4', again],
    ['batch of 1', alone],
    ['PyTorch eval', reference.output],
  ] as const) {
    assert.equal(row?.length, first?.length);
    row?.forEach((v, i) =>
      assert.ok(Math.abs(v - (first?.[i] as number)) < 1e-4, `${name} [${i}] ${v} vs ${first?.[i]}`),
    );
  }
}

describe('ONNX Fix and Save As: BatchNormalization in training mode', function () {
  this.timeout(180_000);
  let dir = '';
  before(() => (dir = mkdtempSync(join(tmpdir(), 'bn-fix-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const opset of [9, 11, 13, 15]) {
    it(`op set ${opset}: a conv net's training-mode export is fixed, valid, batch-independent and equals PyTorch eval`, async function () {
      // `npm test` installs Debian's python3-torch; a bare `mocha` run on a machine without it skips.
      if (!hasTorch) this.skip();
      await assertBatchNormFixed(`${TORCH}/rules/bn_train_opset${opset}.onnx`, 'bn_net', 8, dir);
    });
  }

  for (const opset of [9, 11, 13]) {
    it(`op set ${opset}: torchvision resnet18 exported in training mode, fixed the same way`, async function () {
      if (!hasTorch) this.skip();
      const path = join(dir, `resnet18_train_opset${opset}.onnx`);
      python('export', 'resnet18', String(opset), path);
      await assertBatchNormFixed(path, 'resnet18', 32, dir);
    });
  }

  it('leaves a BatchNormalization whose statistics another node reads, and the finding says why', () => {
    const path = `${TORCH}/rules/bn_train_opset13.onnx`;
    const model = onnx.ModelProto.decode(readFileSync(path));
    const graph = model.graph as onnx.IGraphProto;
    const bn = graph.node?.find((n) => n.opType === 'BatchNormalization') as onnx.INodeProto;
    graph.node?.push(
      onnx.NodeProto.create({
        opType: 'Identity',
        name: 'stats',
        input: [bn.output?.[1] ?? ''],
        output: ['m'],
      }),
    );
    graph.output?.push(onnx.ValueInfoProto.create({ name: 'm' }));
    const bytes = onnx.ModelProto.encode(model).finish();
    const [finding] = lintSource({ path, bytes }).findings.filter(
      (f) => f.rule === 'batchnorm-training-mode',
    );
    assert.deepEqual(finding?.fixes, []);
    assert.match(finding?.message ?? '', /read by 'stats'/);
    const edit = {
      kind: 'set-attribute',
      layer: bn.name ?? '',
      name: 'training_mode',
      value: false,
    } as const;
    assert.deepEqual(fixOnnxBytes(bytes, path, [edit]).skipped, [edit]);
  });
});
