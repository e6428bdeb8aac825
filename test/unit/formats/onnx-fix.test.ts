// The ONNX writer behind "Fix and Save As…": the fixed file re-lints clean for the fixed rules, and
// onnxruntime (an independent reader) loads it and gives PyTorch's own eval-mode output.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { fixOnnxBytes } from '../../../src/core/formats/onnx/fix';
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
});
