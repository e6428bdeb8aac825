// Exported ONNX models run in onnxruntime-node (an independent implementation) and predict what the
// engine predicts, within 1e-5, on raw (unstandardised) inputs.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as ort from 'onnxruntime-node';
import { loadData } from '../../../src/core/data/load';
import { nodeDataSource } from '../../../src/core/data/node-data';
import { trainPlan, type RunReport } from '../../../src/core/engine/train/session';
import { trainingSpec } from '../../../src/core/model/training-spec';
import { Rng } from '../../../src/core/random/rng';
import { Network } from '../../../src/core/engine/network';
import type { LayerSpec } from '../../../src/core/model/network-spec';
import { openModel } from '../../../src/core/formats/detect';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { writeOnnx } from '../../../src/core/export/onnx-writer';
import { lintSource } from '../../../src/core/lint/lint-source';
import type { Graph } from '../../../src/core/model/ir';
import { mcMarkOf } from '../../../src/core/model/mc-marker';
import { enginePredict, maxDiff } from './engine-predict';

async function ortPredict(bytes: Uint8Array, x: Float32Array, dims: number[]): Promise<Float32Array> {
  // One thread, released at once: onnxruntime's spinning pool would slow the timing-sensitive worker tests.
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const out = await session.run({ input: new ort.Tensor('float32', x, dims) });
    return (out.output as ort.Tensor).data as Float32Array;
  } finally {
    await session.release();
  }
}

async function trainSample(file: string, epochs: number): Promise<RunReport> {
  const graph = openModel(nodeModelSource(file));
  const spec = { ...trainingSpec(graph), epochs };
  return trainPlan(graph, loadData(spec.data as string, nodeDataSource, spec.seed), spec, {
    name: 'dropout',
  });
}

describe('ONNX export (onnxruntime-node as the reference)', () => {
  const digits = loadData('builtin:digits', nodeDataSource);
  const rows = 64;
  const x = digits.x.slice(0, rows * 64);

  for (const [file, shape] of [
    ['samples/digits-mlp.nn.json', [64]],
    ['samples/digits-cnn.nn.json', [1, 8, 8]],
  ] as const) {
    it(`${file}: trained for 2 epochs, same probabilities as the engine`, async () => {
      const report = await trainSample(file, 2);
      const bytes = writeOnnx(report.network.record(), {
        name: file,
        softmax: report.softmaxInLoss,
        standardization: report.standardization,
      });
      const got = await ortPredict(bytes, x, [rows, ...shape]);
      const want = enginePredict(report.network, x, rows, { standardization: report.standardization });
      const diff = maxDiff(got, want);
      assert.ok(diff < 1e-5, `max |onnxruntime − engine| = ${diff}`);
    });
  }

  it('GELU, SELU, ELU, leaky ReLU, tanh and classic-scaled dropout agree too', async () => {
    const specs: LayerSpec[] = [
      { type: 'dense', name: 'a', units: 16 },
      { type: 'activation', name: 'a/gelu', activation: 'gelu' },
      { type: 'dropout', name: 'd1', variant: 'standard', rate: 0.3, scaling: 'inference-scale' },
      { type: 'dense', name: 'b', units: 16 },
      { type: 'activation', name: 'b/selu', activation: 'selu' },
      { type: 'dropout', name: 'd2', variant: 'alpha', rate: 0.1 },
      { type: 'dense', name: 'c', units: 12 },
      { type: 'activation', name: 'c/elu', activation: 'elu' },
      { type: 'dense', name: 'e', units: 8 },
      { type: 'activation', name: 'e/lrelu', activation: 'leaky-relu', alpha: 0.2 },
      { type: 'dense', name: 'f', units: 8 },
      { type: 'activation', name: 'f/tanh', activation: 'tanh' },
      { type: 'dense', name: 'out', units: 10 },
    ];
    const net = new Network([64], specs);
    net.init(new Rng(3));
    const scaled = Float32Array.from(x, (v) => v / 16);
    const got = await ortPredict(writeOnnx(net.record(), { name: 'mixed', softmax: true }), scaled, [
      rows,
      64,
    ]);
    const diff = maxDiff(got, enginePredict(net, scaled, rows));
    assert.ok(diff < 1e-5, `max |onnxruntime − engine| = ${diff}`);
  });

  it('marks a network with MC dropout as an MC model (metadata_props), so its Dropout at inference is info', () => {
    const specs = (mode: 'always' | 'train-only'): LayerSpec[] => [
      { type: 'dense', name: 'a', units: 16 },
      { type: 'dropout', name: 'd', variant: 'standard', rate: 0.2, mode },
      { type: 'dense', name: 'out', units: 10 },
    ];
    const exported = (mode: 'always' | 'train-only') => {
      const net = new Network([64], specs(mode));
      net.init(new Rng(3));
      return writeOnnx(net.record(), { name: mode, softmax: true });
    };
    const mc = exported('always');
    const result = lintSource({ path: 'mc.onnx', bytes: mc });
    assert.equal(mcMarkOf(result.graph as Graph), 'metadata_props dropout_lens.mc_dropout');
    assert.deepEqual(
      result.findings.filter((f) => f.rule === 'dropout-active-at-inference').map((f) => f.severity),
      ['info'],
    );
    assert.equal(
      mcMarkOf(lintSource({ path: 'plain.onnx', bytes: exported('train-only') }).graph as Graph),
      undefined,
    );
    // The onnx package reads the same entry (when Debian's python3-onnx is there).
    const python = spawnSync(
      '/usr/bin/python3',
      [
        '-c',
        'import onnx, sys; m = onnx.load_from_string(sys.stdin.buffer.read()); print({p.key: p.value for p in m.metadata_props})',
      ],
      { input: mc, encoding: 'utf8' },
    );
    if (python.status === 0) assert.equal(python.stdout.trim(), "{'dropout_lens.mc_dropout': 'true'}");
  });
});
