// A Dropout inside an If branch or a Loop body is as stochastic on onnxruntime as one in the main graph.
// if_branches
// (test/fixtures/architectures, committed whole): `if x.mean() > 0` picks a head Gemm → Relu →
// Dropout(0.2) → Gemm, else a head without Dropout. The reference is arithmetic on the file's weights:
// h = relu(W0·x + b0); the logits' mean over masks is W3·h + b3 (inverted dropout keeps the expectation)
// and their variance Σ_j W3[k, j]² h_j² · p / (1 − p) (independent Bernoulli masks, rate p). The Loop
// model is built here: its body's Dropout(0.5) runs twice per run, so each value is 0 or 4·relu(x).
import * as assert from 'node:assert/strict';
import { onnx } from 'onnx-proto';
import { runMcPasses } from '../../../src/core/engine/mc/mc';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { readOnnx } from '../../../src/core/formats/onnx/reader';
import { loadOrt } from '../../../src/core/runtimes/onnxruntime/load-ort';
import { modelCopies } from '../../../src/core/runtimes/onnxruntime/model-copies';
import { openOnnxRuntimeModel } from '../../../src/core/runtimes/onnxruntime/onnxruntime-model';
import { splitAtRandom } from '../../../src/core/runtimes/onnxruntime/prefix-split';
import { mcCopy } from '../../../src/core/runtimes/onnxruntime/stochastic-dropout';

const file = 'test/fixtures/architectures/if_branches_opset13_train.onnx';
const P = 0.2;

/** The file's float initializers by name. */
function weights(): Map<string, Float32Array> {
  const model = onnx.ModelProto.decode(nodeModelSource(file).bytes);
  return new Map(
    (model.graph?.initializer ?? []).map((t) => [
      t.name ?? '',
      new Float32Array(new Uint8Array(t.rawData ?? []).buffer),
    ]),
  );
}

/** y = W·x + b for W of `rows` × x.length. */
function gemm(w: Float32Array, b: Float32Array, x: ArrayLike<number>, rows: number): Float64Array {
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = b[r] as number;
    for (let j = 0; j < x.length; j++) s += (w[r * x.length + j] as number) * (x[j] as number);
    y[r] = s;
  }
  return y;
}

/** The Dropout head's logit mean and variance over masks, for one input. */
function reference(x: Float32Array): { mean: Float64Array; variance: Float64Array } {
  const w = weights();
  const h = gemm(w.get('wide.0.weight')!, w.get('wide.0.bias')!, x, 512).map((v) => Math.max(0, v));
  const w3 = w.get('wide.3.weight')!;
  const mean = gemm(w3, w.get('wide.3.bias')!, h, 10);
  const variance = mean.map((_, k) => {
    let s = 0;
    h.forEach((v, j) => (s += (w3[k * 512 + j] as number) ** 2 * v * v));
    return (s * P) / (1 - P);
  });
  return { mean, variance };
}

/** 128 seeded values around `centre` (its sign picks the branch). */
const input = (centre: number) =>
  Float32Array.from({ length: 128 }, (_, i) => centre + Math.sin(7.3 * i + 1));

describe('onnxruntime MC: a Dropout inside an If branch', () => {
  it('becomes stochastic: logit mean and variance over 3000 passes match the weights within 5 standard errors', async () => {
    const source = nodeModelSource(file);
    const copies = await modelCopies(source, readOnnx(source));
    assert.equal(copies.dropouts, 1);
    const ort = await loadOrt();
    const bytes = onnx.ModelProto.encode(copies.mc(5) as onnx.ModelProto).finish();
    const session = await ort.InferenceSession.create(bytes);
    const x = input(0.4);
    const T = 3000;
    const sum = new Float64Array(10);
    const sq = new Float64Array(10);
    try {
      for (let t = 0; t < T; t++) {
        const out = await session.run({ input: new ort.Tensor('float32', x, [1, 128]) });
        (out.output!.data as Float32Array).forEach((v, k) => {
          sum[k]! += v;
          sq[k]! += v * v;
        });
      }
    } finally {
      await session.release();
    }
    const ref = reference(x);
    for (let k = 0; k < 10; k++) {
      const mean = sum[k]! / T;
      const variance = (sq[k]! - T * mean * mean) / (T - 1);
      const sd = Math.sqrt(ref.variance[k]!);
      assert.ok(ref.variance[k]! > 1e-3, `logit ${k} varies under the mask`);
      assert.ok(
        Math.abs(mean - ref.mean[k]!) < (5 * sd) / Math.sqrt(T),
        `logit ${k}: mean ${mean} vs ${ref.mean[k]}`,
      );
      // A sum of 512 masked terms is close to normal: the sample variance's standard error is σ²·√(2 / T).
      assert.ok(
        Math.abs(variance - ref.variance[k]!) < 5 * ref.variance[k]! * Math.sqrt(2 / T),
        `logit ${k}: variance ${variance} vs ${ref.variance[k]}`,
      );
    }
  });

  it('the McModel: deterministic softmax of the mean logits; passes vary on the Dropout branch only', async () => {
    const source = nodeModelSource(file);
    const model = await openOnnxRuntimeModel(source, readOnnx(source));
    try {
      const then = input(0.4);
      const otherwise = input(-0.4);
      const x = { data: Float32Array.from([...then, ...otherwise]), shape: [2, 128] };
      const logits = reference(then).mean;
      const max = Math.max(...logits);
      const z = logits.reduce((s, v) => s + Math.exp(v - max), 0);
      const probs = await model.deterministic(x);
      logits.forEach((v, k) => assert.ok(Math.abs(probs[k]! - Math.exp(v - max) / z) < 1e-5, `p[${k}]`));
      const result = await runMcPasses(await model.passes(x, { passes: 20, seed: 1 }), {
        passes: 20,
        seed: 1,
      });
      const variance = result.stats.variance;
      assert.ok(
        Array.from(variance.subarray(0, 10)).some((v) => v > 1e-6),
        'the If branch with Dropout varies',
      );
      assert.ok(
        Array.from(variance.subarray(10, 20)).every((v) => v < 1e-12),
        'the branch without is constant',
      );
    } finally {
      await model.dispose();
    }
  });

  it('the MC copy names every replacing tensor uniquely and seeds each Dropout apart, same node names or not', async () => {
    const F = onnx.TensorProto.DataType.FLOAT;
    const info = (name: string, elemType = F): onnx.IValueInfoProto => ({
      name,
      type: { tensorType: { elemType, shape: { dim: [{ dimValue: 2 }, { dimValue: 3 }] } } },
    });
    // Main graph: Dropout "d" on x; then If(cond) whose branches each hold a Dropout also named "d".
    const branch = (out: string): onnx.IGraphProto => ({
      name: out,
      node: [{ opType: 'Dropout', name: 'd', input: ['a'], output: [out] }],
      output: [info(out)],
    });
    const graph: onnx.IGraphProto = {
      name: 'g',
      node: [
        { opType: 'Dropout', name: 'd', input: ['x'], output: ['a'] },
        {
          opType: 'If',
          name: 'if',
          input: ['cond'],
          output: ['y'],
          attribute: [
            { name: 'then_branch', type: onnx.AttributeProto.AttributeType.GRAPH, g: branch('t') },
            { name: 'else_branch', type: onnx.AttributeProto.AttributeType.GRAPH, g: branch('e') },
          ],
        },
      ],
      input: [
        info('x'),
        {
          name: 'cond',
          type: { tensorType: { elemType: onnx.TensorProto.DataType.BOOL, shape: { dim: [] } } },
        },
      ],
      output: [info('y')],
    };
    const m: onnx.IModelProto = { irVersion: 7, opsetImport: [{ domain: '', version: 11 }], graph };
    const dropouts = [
      graph.node![0]!,
      graph.node![1]!.attribute![0]!.g!.node![0]!,
      graph.node![1]!.attribute![1]!.g!.node![0]!,
    ];
    const copy = mcCopy(m, new Map(dropouts.map((d) => [d, 0.5])), 3);
    assert.equal(copy.randomNodes.length, 3);
    const all: onnx.INodeProto[] = [];
    const walk = (g: onnx.IGraphProto) =>
      (g.node ?? []).forEach((n) => {
        all.push(n);
        (n.attribute ?? []).forEach((a) => a.g && walk(a.g));
      });
    walk(copy.model.graph!);
    const outputs = all.flatMap((n) => n.output ?? []);
    assert.equal(new Set(outputs).size, outputs.length, 'tensor names are unique across the graphs');
    const seeds = all
      .filter((n) => n.opType === 'RandomUniformLike')
      .map((n) => n.attribute!.find((a) => a.name === 'seed')!.f);
    assert.equal(new Set(seeds).size, 3, `seeds ${seeds.join(', ')}`);
    const ort = await loadOrt();
    const session = await ort.InferenceSession.create(
      onnx.ModelProto.encode(copy.model as onnx.ModelProto).finish(),
    );
    try {
      const x = new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
      const out = await session.run({ x, cond: new ort.Tensor('bool', Uint8Array.from([1]), []) });
      // Two Dropouts of 0.5 in a row: each value is 0 or 4x.
      (out.y!.data as Float32Array).forEach((v, i) =>
        assert.ok(v === 0 || v === 4 * (i + 1), `y[${i}] = ${v}`),
      );
    } finally {
      await session.release();
    }
  });
});

const F = onnx.TensorProto.DataType.FLOAT;
const GRAPH = onnx.AttributeProto.AttributeType.GRAPH;
const tensorInfo = (name: string, elemType: number, dims: number[]): onnx.IValueInfoProto => ({
  name,
  type: { tensorType: { elemType, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
});
const constant = (name: string, t: onnx.ITensorProto): onnx.INodeProto => ({
  opType: 'Constant',
  output: [name],
  attribute: [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t }],
});

/**
 * x [1, 4] → Relu → Loop (2 trips) whose body is v → Dropout(v, ratio 0.5, training_mode true) → v, its
 * ratio and training flag Constant nodes of the body, as PyTorch exports them (op set 13).
 */
function loopModel(): onnx.IModelProto {
  const B = onnx.TensorProto.DataType.BOOL;
  const I = onnx.TensorProto.DataType.INT64;
  const body: onnx.IGraphProto = {
    name: 'body',
    node: [
      constant('ratio', { dataType: F, dims: [], floatData: [0.5] }),
      constant('training', { dataType: B, dims: [], int32Data: [1] }),
      { opType: 'Dropout', name: 'body_dropout', input: ['v', 'ratio', 'training'], output: ['v_out'] },
      { opType: 'Identity', input: ['cond'], output: ['cond_out'] },
    ],
    input: [tensorInfo('i', I, []), tensorInfo('cond', B, []), tensorInfo('v', F, [1, 4])],
    output: [tensorInfo('cond_out', B, []), tensorInfo('v_out', F, [1, 4])],
  };
  const graph: onnx.IGraphProto = {
    name: 'loop',
    node: [
      { opType: 'Relu', name: 'relu', input: ['x'], output: ['r'] },
      {
        opType: 'Loop',
        name: 'loop',
        input: ['trips', 'go', 'r'],
        output: ['y'],
        attribute: [{ name: 'body', type: GRAPH, g: body }],
      },
    ],
    initializer: [
      { name: 'trips', dataType: I, dims: [], int64Data: [2] },
      { name: 'go', dataType: B, dims: [], int32Data: [1] },
    ],
    input: [tensorInfo('x', F, [1, 4])],
    output: [tensorInfo('y', F, [1, 4])],
  };
  return { irVersion: 8, opsetImport: [{ domain: '', version: 13 }], graph };
}

const loopSource = () => {
  const bytes = onnx.ModelProto.encode(loopModel()).finish();
  return { path: 'loop.onnx', bytes };
};

describe('onnxruntime MC: a Dropout inside a Loop body, and subgraphs in general', () => {
  const x = [-1, 0.5, 2, 3];
  const relu = x.map((v) => Math.max(0, v));

  it('becomes stochastic: each value is 0 or 4·relu(x) (two trips of Dropout 0.5), both seen, runs differ', async () => {
    const source = loopSource();
    const copies = await modelCopies(source, readOnnx(source));
    assert.equal(copies.dropouts, 1);
    const ort = await loadOrt();
    const session = await ort.InferenceSession.create(
      onnx.ModelProto.encode(copies.mc(2) as onnx.ModelProto).finish(),
    );
    const runs: number[][] = [];
    try {
      for (let t = 0; t < 40; t++) {
        const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from(x), [1, 4]) });
        runs.push(Array.from(out.y!.data as Float32Array));
      }
    } finally {
      await session.release();
    }
    for (const run of runs) run.forEach((v, i) => assert.ok(v === 0 || v === 4 * relu[i]!, `y[${i}] = ${v}`));
    // P(a value survives both trips) = 1/4: over 40 runs both outcomes appear for x = 3.
    assert.ok(runs.some((r) => r[3] === 0) && runs.some((r) => r[3] === 12), 'both outcomes');
    assert.ok(new Set(runs.map((r) => r.join())).size > 1, 'the runs differ');
  });

  it('the McModel: the Relu runs once, the deterministic output is softmax(relu(x)), passes vary', async () => {
    const source = loopSource();
    const model = await openOnnxRuntimeModel(source, readOnnx(source));
    try {
      assert.ok(
        model.notes.includes('prefix: 1 of 2 nodes run once per batch of inputs, 1 per pass'),
        model.notes.join('; '),
      );
      const z = relu.reduce((s, v) => s + Math.exp(v), 0);
      const probs = await model.deterministic({ data: Float32Array.from(x), shape: [1, 4] });
      relu.forEach((v, i) => assert.ok(Math.abs(probs[i]! - Math.exp(v) / z) < 1e-6, `p[${i}]`));
      const result = await runMcPasses(
        await model.passes({ data: Float32Array.from(x), shape: [1, 4] }, { passes: 20, seed: 1 }),
        {
          passes: 20,
          seed: 1,
        },
      );
      assert.ok(
        Array.from(result.stats.variance).some((v) => v > 1e-3),
        'the passes vary',
      );
    } finally {
      await model.dispose();
    }
  });

  it("the MC copy keeps the body's node list from before the inference edits, which prune the training flag", async () => {
    const source = loopSource();
    const copies = await modelCopies(source, readOnnx(source));
    const body = (m: onnx.IModelProto) =>
      m.graph!.node![1]!.attribute![0]!.g!.node!.flatMap((n) => n.output ?? []);
    assert.ok(!body(copies.inference).includes('training'), 'the inference copy drops training_mode');
    assert.ok(body(copies.mc(0)).includes('training'), "the MC copy's body is its own");
  });

  it('a random node in a GRAPHS attribute puts its node in the rest, and the outer tensors it reads are handed on', () => {
    // x → Relu → r; a custom op whose GRAPHS attribute holds RandomUniformLike(r) → y.
    const graph: onnx.IGraphProto = {
      name: 'g',
      node: [
        { opType: 'Relu', name: 'relu', input: ['x'], output: ['r'] },
        {
          opType: 'Sampler',
          domain: 'example.custom',
          name: 'custom',
          output: ['y'],
          attribute: [
            {
              name: 'bodies',
              type: onnx.AttributeProto.AttributeType.GRAPHS,
              graphs: [
                {
                  name: 'b',
                  node: [{ opType: 'RandomUniformLike', input: ['r'], output: ['u'] }],
                  output: [tensorInfo('u', F, [1, 4])],
                },
              ],
            },
          ],
        },
      ],
      input: [tensorInfo('x', F, [1, 4])],
      output: [tensorInfo('y', F, [1, 4])],
    };
    assert.deepEqual(splitAtRandom(graph, 'y'), { handedOn: ['r'], prefixNodes: 1, restNodes: 1 });
  });
});
