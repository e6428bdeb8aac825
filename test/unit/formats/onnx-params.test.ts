import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { readOnnx } from '../../../src/core/formats/onnx/reader';
import type { Graph } from '../../../src/core/model/ir';
import { paramCounts, paramDoubts } from '../../../src/core/model/param-counts';

const DIR = 'test/fixtures/onnx-params';

interface Truth {
  /** PyTorch: sum(p.numel() for p in model.parameters()). */
  torchParams?: number;
  /** PyTorch: floating-point buffers (BatchNorm running statistics). */
  torchFloatBuffers?: number;
  /** The onnx package: elements of every floating-point initializer, subgraphs included. */
  onnxFloatInitializerElements: number;
  training?: boolean;
  /** Weights no initializer holds: a Constant node's weights, an int8 weight. */
  weights?: number;
  quantizedWeightElements?: number;
  /** Node-name prefix (or node name) → the parameters PyTorch (or the generator) gives that module. */
  owners?: Record<string, number>;
}

const TRUTH = JSON.parse(readFileSync(`${DIR}/truth.json`, 'utf8')) as Record<string, Truth>;
const open = (name: string): Graph => readOnnx(nodeModelSource(`${DIR}/${name}.onnx`));
const owned = (graph: Graph, prefix: string) =>
  graph.layers
    .filter((l) => l.name === prefix || (prefix.endsWith('/') && l.name.startsWith(prefix)))
    .reduce((n, l) => n + l.params, 0);

/** The parameters the layers of a node's subgraphs own (each stored tensor counts once, for its first reader). */
const subgraphParams = (graph: Graph, id: string | undefined) =>
  graph.layers
    .filter((l) => id !== undefined && l.source.subgraph?.startsWith(`${id}/`))
    .reduce((sum, l) => sum + l.params, 0);

describe('ONNX parameter counts against PyTorch and the onnx package (test/fixtures/onnx-params/generate.py)', () => {
  for (const [name, truth] of Object.entries(TRUTH)) {
    it(`${name}: every stored weight counts once`, () => {
      const graph = open(name);
      const counts = paramCounts(graph);
      const expected =
        truth.weights ?? truth.onnxFloatInitializerElements + (truth.quantizedWeightElements ?? 0);
      assert.equal(counts.total, expected, 'total against the onnx package');
      if (truth.training) {
        // A training export stores every parameter and float buffer as it is, once.
        const buffers = truth.torchFloatBuffers ?? 0;
        assert.deepEqual(counts, {
          total: (truth.torchParams as number) + buffers,
          trainable: truth.torchParams,
        });
        assert.deepEqual(paramDoubts(graph), []);
      }
      for (const [prefix, params] of Object.entries(truth.owners ?? {}))
        assert.equal(owned(graph, prefix), params, `${name}: ${prefix}`);
    });
  }

  it('gives each LSTM and GRU node its W, R and B, however the exporter sliced and concatenated them', () => {
    // ONNX LSTM: W [dirs, 4h, d], R [dirs, 4h, h], B [dirs, 8h]; GRU: 3 gates instead of 4.
    const weights = (gates: number, dirs: number, d: number, h: number) => dirs * gates * h * (d + h + 2);
    const lstm = open('lstm2_train_opset13').layers.filter((l) => l.originalOp === 'LSTM');
    assert.deepEqual(
      lstm.map((l) => l.params),
      [weights(4, 1, 16, 32), weights(4, 1, 32, 32)],
    );
    const gru = open('gru_bi_train_opset11').layers.filter((l) => l.originalOp === 'GRU');
    assert.deepEqual(
      gru.map((l) => l.params),
      [weights(3, 2, 16, 32), weights(3, 2, 64, 32)],
    );
    // The zero initial state PyTorch expands to the batch is a Constant, not a weight.
    assert.equal(open('lstm2_eval_opset9').layers.filter((l) => l.originalOp === 'Expand').length, 4);
    assert.ok(
      open('lstm2_eval_opset9').layers.every(
        (l) => l.originalOp === 'LSTM' || l.op === 'dense' || l.params === 0,
      ),
    );
  });

  it('counts an If subgraph’s weights for its branches’ layers, and BatchNorm running statistics as frozen', () => {
    const graph = open('if_branches_train_opset13');
    const layer = graph.layers.find((l) => l.originalOp === 'If');
    assert.equal(layer?.params, 0);
    assert.equal(subgraphParams(graph, layer?.id), 2 * (16 * 24 + 24));
    const bn = graph.layers.find((l) => l.op === 'batchnorm');
    assert.equal(bn?.params, 4 * 24);
    assert.equal(bn?.frozenParams, 2 * 24);
  });

  it('counts a Loop body’s own initializer and Constant weight, and the outer weight it reads', () => {
    const graph = open('loop_body_weights');
    const layer = graph.layers.find((l) => l.originalOp === 'Loop');
    assert.equal(layer?.params, 0);
    assert.equal(subgraphParams(graph, layer?.id), 64 + 64 + 8);
  });

  it('never counts integer indices or shapes, and counts a shared weight for its first reader', () => {
    const graph = open('shared_and_integer');
    assert.equal(graph.layers.find((l) => l.name === 'flat')?.params, 0);
    assert.equal(graph.layers.find((l) => l.name === 'w_t_transposed')?.params, 0);
  });

  it('counts a dequantized int8 weight, and says a custom op’s count may be incomplete', () => {
    const graph = open('quantized_and_custom');
    const packed = graph.layers.find((l) => l.name === 'packed');
    assert.match(packed?.paramsIncomplete ?? '', /com\.example:PackedLinear .*integer tensors/);
    assert.equal(graph.layers.find((l) => l.name === 'matmul')?.paramsIncomplete, undefined);
    assert.deepEqual(paramDoubts(graph), [`packed: ${packed?.paramsIncomplete}`]);
  });
});
