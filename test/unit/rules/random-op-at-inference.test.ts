import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { fixOnnx } from '../../../src/core/fix/fix-onnx';
import { lintSource } from '../../../src/core/lint/lint-source';
import { run } from '../cli/run-cli';
import { lintIr } from './helpers';
import { chain, dense, type LayerSpec } from './ir-builder';

const RULE = 'random-op-at-inference';
const TORCH = 'test/fixtures/onnx-torch/rules';

const found = (path: string) => lintSource(nodeModelSource(path)).findings.filter((f) => f.rule === RULE);

/** uniform noise → Less(0.8) → Cast → Div(0.8) → Mul(x, ·) → Add(x, ·): torch.onnx's stochastic depth. */
function stochasticDepth(meta: Record<string, unknown> = {}, format: 'onnx' | 'tfjs-graph' = 'onnx') {
  const op = (id: string, originalOp: string, inputs: string[], o: LayerSpec['op'] = 'elementwise') =>
    ({ id, op: o, originalOp, inputs }) as LayerSpec;
  return chain(
    [
      dense({ id: 'x' }),
      op('u', format === 'onnx' ? 'RandomUniformLike' : 'RandomUniform', ['shape']),
      op('shape', 'Constant', [], 'constant'),
      op('less', 'Less', ['u']),
      op('cast', 'Cast', ['less']),
      op('div', 'Div', ['cast']),
      op('mul', 'Mul', ['x', 'div']),
      op('add', 'Add', ['x', 'mul'], 'add'),
    ],
    format,
    meta,
  );
}

describe(RULE, () => {
  it('fires as an error on stochastic depth written out as ops, naming it and offering no fix', () => {
    const [f, ...rest] = lintIr(stochasticDepth(), RULE);
    assert.equal(rest.length, 0);
    assert.equal(f?.layer.id, 'u');
    assert.equal(f?.severity, 'error');
    assert.deepEqual(f?.fixes, []);
    assert.match(f?.message ?? '', /RandomUniformLike → Less → Cast → Div → Mul: stochastic depth/);
    assert.match(f?.message ?? '', /predictions differ from run to run/);
    assert.match(f?.message ?? '', /model\.eval\(\)/);
    assert.match(f?.message ?? '', /metadata_props entry dropout_lens\.mc_dropout = true/);
    assert.match(f?.message ?? '', /"mcModels" in \.dropoutlens\.json/);
  });

  it('fires on a TensorFlow.js graph random op, with the model.json way to mark an MC model', () => {
    const [f] = lintIr(stochasticDepth({}, 'tfjs-graph'), RULE);
    assert.equal(f?.layer.originalOp, 'RandomUniform');
    assert.match(f?.message ?? '', /"dropout_lens\.mc_dropout": true to "userDefinedMetadata"/);
  });

  it('is info (lint exits 0) when the model is marked for MC inference', () => {
    const [f] = lintIr(stochasticDepth({ mcModel: 'metadata_props dropout_lens.mc_dropout' }), RULE);
    assert.equal(f?.severity, 'info');
    assert.match(f?.message ?? '', /marked for MC inference, so this is reported for information only/);
  });

  it('does not fire on a random op whose output reaches no graph output', () => {
    const graph = stochasticDepth();
    // The graph's output is x itself: the noise branch feeds nothing that is returned.
    graph.outputs = [{ name: 'y', layerId: 'x' }];
    assert.deepEqual(lintIr(graph, RULE), []);
  });

  it('does not fire on formats without raw ops, nor on an op of the same name in another ONNX domain', () => {
    const layersModel = stochasticDepth();
    layersModel.format = 'tfjs-layers';
    assert.deepEqual(lintIr(layersModel, RULE), []);
    const custom = stochasticDepth();
    (custom.layers.find((l) => l.id === 'u') as { attributes: object }).attributes = {
      domain: 'com.example',
    };
    assert.deepEqual(lintIr(custom, RULE), []);
  });

  it('fires on torchvision StochasticDepth in a training-mode torch.onnx export', () => {
    const [f, ...rest] = found(`${TORCH}/stochastic_depth.onnx`);
    assert.equal(rest.length, 0);
    assert.equal(f?.layer.name, '/block/stochastic_depth/RandomUniformLike');
    assert.match(f?.message ?? '', /RandomUniformLike → Less → Cast → Div → Mul: stochastic depth/);
  });

  it('fires on Gaussian noise (randn_like) in a training-mode export', () => {
    const [f] = found(`${TORCH}/gaussian_noise.onnx`);
    assert.equal(f?.layer.originalOp, 'RandomNormalLike');
    assert.match(f?.message ?? '', /RandomNormalLike → Mul → Add: noise mixed into a tensor/);
  });

  it('does not fire on the eval-mode export of the same network', () => {
    assert.deepEqual(found(`${TORCH}/stochastic_depth_near.onnx`), []);
  });

  it('fires on Gaussian noise in a TensorFlow.js graph model, not on a random op no output reads', () => {
    const node = (name: string, op: string, input: string[] = [], attr: object = {}) => ({
      name,
      op,
      input,
      attr,
    });
    const scalar = (value: number) => ({
      value: { tensor: { dtype: 'DT_FLOAT', tensorShape: {}, floatVal: [value] } },
    });
    const model = {
      format: 'graph-model',
      modelTopology: {
        node: [
          node('x', 'Placeholder', [], { shape: { shape: { dim: [{ size: '-1' }, { size: '4' }] } } }),
          node('noise/Shape', 'Shape', ['x']),
          node('noise/RandomStandardNormal', 'RandomStandardNormal', ['noise/Shape']),
          node('noise/stddev', 'Const', [], scalar(0.1)),
          node('noise/mul', 'Mul', ['noise/RandomStandardNormal', 'noise/stddev']),
          node('noise/add', 'AddV2', ['x', 'noise/mul']),
          node('probs', 'Softmax', ['noise/add']),
          node('unused/RandomUniform', 'RandomUniform', ['noise/Shape']),
        ],
      },
      signature: { outputs: { 'probs:0': { name: 'probs:0' } } },
      weightsManifest: [],
    };
    const bytes = new TextEncoder().encode(JSON.stringify(model));
    const findings = lintSource({ path: 'noise/model.json', bytes }).findings.filter((f) => f.rule === RULE);
    assert.deepEqual(
      findings.map((f) => f.layer.name),
      ['noise/RandomStandardNormal'],
    );
    assert.match(findings[0]?.message ?? '', /RandomStandardNormal → Mul → AddV2: noise mixed into a tensor/);
  });

  it('does not report a TF dropout subgraph again (dropout-active-at-inference has it)', () => {
    const result = lintSource(nodeModelSource('test/fixtures/tfjs-graph-dropout/model.json'));
    assert.deepEqual(
      result.findings.filter((f) => f.rule === RULE),
      [],
    );
    assert.equal(result.findings.filter((f) => f.rule === 'dropout-active-at-inference').length, 2);
  });

  it('fires after Fix and Save As turned the Dropouts off: the fixed file still fails `lint` (exit 1)', async () => {
    const path = `${TORCH}/stochastic_depth.onnx`;
    const result = fixOnnx(nodeModelSource(path));
    assert.deepEqual(
      result.fixed.map((f) => f.finding.rule),
      ['dropout-active-at-inference', 'inference-noop-dropout'],
    );
    assert.deepEqual(
      result.remaining.map((f) => `${f.rule} ${f.severity}`),
      [`${RULE} error`],
    );
    const dir = mkdtempSync(join(tmpdir(), 'random-op-'));
    try {
      const fixed = join(dir, 'fixed.onnx');
      writeFileSync(fixed, result.bytes);
      const { code, out } = await run('lint', fixed);
      assert.equal(code, 1);
      assert.match(out, /error \[random-op-at-inference\]/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
