// MC passes through the tfjs layers dropout family beyond Dropout, on models built and saved by
// @tensorflow/tfjs itself in this test: GaussianDropout + GaussianNoise, SpatialDropout1D, Dropout with a
// noise_shape and SpatialDropout2D (tfjs has no such class: its file is the noise_shape model's with Keras's
// class and data_format written in) agree with tfjs run with training = true,
// within sampling error, and with the exact mean and variance of their linear read-outs; AlphaDropout
// gives the exact expectations of Klambauer et al.'s form, which tfjs's own layer misses by a sign slip
// (dropped units at +λα): tfjs's training mean sits exactly where that slip puts it.
import * as assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { SELU_ALPHA, SELU_LAMBDA } from '../../../src/core/model/network-spec';
import { Rng } from '../../../src/core/random/rng';
import { GraphRunner } from '../../../src/core/engine/graph/run-graph';
import { openModel } from '../../../src/core/formats/detect';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { statsFromPasses } from '../../../src/core/engine/mc/uncertainty';
import { assertWithinStandardErrors } from './mc-helpers';

const T = 4000;
const L = tf.layers;

/** Deterministic weights in [−0.8, 0.8) so every expected number is fixed. */
function seed(model: tf.LayersModel): void {
  let k = 0;
  model.setWeights(
    model.getWeights().map((w) =>
      tf.tensor(
        Float32Array.from({ length: w.size }, () => 0.8 * Math.sin(1.7 * ++k)),
        w.shape,
      ),
    ),
  );
}

/** Saves a tfjs model as model.json + one shard, as tfjs's own save writes them. */
async function save(dir: string, model: tf.LayersModel): Promise<string> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const a = artifacts!;
  const data = a.weightData!;
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'w.bin'),
    new Uint8Array(Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data),
  );
  const json = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: ['w.bin'], weights: a.weightSpecs }],
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  return join(dir, 'model.json');
}

/** T passes of the rows `x` (n × …) tiled T deep: ours through the graph executor, and tfjs's with training = true. */
async function passes(path: string, model: tf.LayersModel, x: number[][] | number[][][] | number[][][][]) {
  const rows = tf.tensor(x);
  const tiled = tf.tile(rows, [T, ...rows.shape.slice(1).map(() => 1)]);
  const source = nodeModelSource(path);
  const graph = openModel(source);
  const runner = await GraphRunner.load(graph, source);
  const out = runner.run(
    { [graph.inputs[0]!.name]: { data: tiled.dataSync() as Float32Array, shape: tiled.shape } },
    { stochastic: true, rng: new Rng(5) },
  );
  const ours = Float64Array.from(out[graph.outputs[0]!.name]!.data);
  const theirs = Float64Array.from((model.apply(tiled, { training: true }) as tf.Tensor).dataSync());
  const n = rows.shape[0];
  const k = ours.length / (T * n);
  return { ours, theirs, n, k };
}

/** Per-entry mean and population variance of T passes (T × size, pass-major). */
function moments(values: Float64Array, size: number) {
  const s = statsFromPasses(values, T, 1, size);
  return { mean: s.mean, variance: s.variance };
}

function assertNear(got: ArrayLike<number>, want: number[], se: number[], what: string): void {
  want.forEach((w, i) => {
    const z = Math.abs((got[i] as number) - w) / se[i]!;
    assert.ok(z < 5, `${what}[${i}]: ${got[i]} vs ${w} (${z.toFixed(1)} SE)`);
  });
}

describe('MC passes through the tfjs dropout family (models saved by tfjs)', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'tfjs-mc-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('GaussianDropout then GaussianNoise: tfjs training passes and the exact moments', async () => {
    const model = tf.sequential({
      layers: [
        L.dense({ units: 6, inputShape: [4], name: 'd1' }),
        L.gaussianDropout({ rate: 0.3, name: 'gdrop' }),
        L.gaussianNoise({ stddev: 0.2, name: 'gnoise' }),
        L.dense({ units: 3, name: 'd2' }),
      ],
    });
    seed(model);
    const x = [
      [0.5, -1, 2, 0.3],
      [-0.7, 0.1, 0.4, 1.2],
    ];
    const { ours, theirs, n, k } = await passes(await save(join(dir, 'gauss'), model), model, x);
    const size = n * k;
    assertWithinStandardErrors(moments(ours, size), moments(theirs, size), theirs, T, 'ours vs tfjs');
    // Exact: E y = h·W2 + b2 and Var y_k = Σ_i W2[i,k]² (h_i² r + σ²), r = p/(1 − p), h = x·W1 + b1.
    const [W1, b1, W2, b2] = model.getWeights().map((w) => w.arraySync()) as [
      number[][],
      number[],
      number[][],
      number[],
    ];
    const mean: number[] = [];
    const variance: number[] = [];
    for (const row of x) {
      const h = b1.map((b, j) => row.reduce((s, v, i) => s + v * W1[i]![j]!, b));
      for (let c = 0; c < 3; c++) {
        mean.push(h.reduce((s, v, i) => s + v * W2[i]![c]!, b2[c]!));
        variance.push(h.reduce((s, v, i) => s + W2[i]![c]! ** 2 * (v * v * (0.3 / 0.7) + 0.04), 0));
      }
    }
    const m = moments(ours, size);
    assertNear(
      m.mean,
      mean,
      variance.map((v) => Math.sqrt(v / T)),
      'mean',
    );
    // y is a sum of Gaussians: its sample variance has standard error σ²·√(2/T).
    assertNear(
      m.variance,
      variance,
      variance.map((v) => v * Math.sqrt(2 / T)),
      'variance',
    );
  });

  for (const form of ['SpatialDropout1D', 'Dropout with noise_shape [null, 1, C]'] as const)
    it(`${form}: one mask per sample and channel, as tfjs draws it`, async () => {
      const drop =
        form === 'SpatialDropout1D'
          ? L.spatialDropout1d({ rate: 0.4, name: 'sdrop', inputShape: [5, 3] })
          : L.dropout({
              rate: 0.4,
              noiseShape: [null, 1, 3] as unknown as number[],
              name: 'sdrop',
              inputShape: [5, 3],
            });
      const model = tf.sequential({
        layers: [drop, L.flatten({ name: 'flat' }), L.dense({ units: 2, name: 'out' })],
      });
      seed(model);
      const x = [Array.from({ length: 5 }, (_, l) => [Math.cos(l), 0.5 - l / 5, 1 + l / 10])];
      const { ours, theirs, n, k } = await passes(await save(join(dir, form.slice(0, 7)), model), model, x);
      assertWithinStandardErrors(
        moments(ours, n * k),
        moments(theirs, n * k),
        theirs,
        T,
        `${form}: ours vs tfjs`,
      );
      // Var y_k = Σ_c (p/q)·(Σ_l W[l,c,k] x[l,c])² when channel c shares its mask; per element it would be
      // Σ_{l,c} (p/q)·(W x)², which the sum below must not match.
      const [W] = model.getWeights().map((w) => w.arraySync()) as [number[][]];
      const channel = (c: number, out: number) =>
        x[0]!.reduce((s, v, l) => s + v[c]! * W[l * 3 + c]![out]!, 0);
      const shared = [0, 1].map((o) => [0, 1, 2].reduce((s, c) => s + (0.4 / 0.6) * channel(c, o) ** 2, 0));
      const perElement = [0, 1].map((o) =>
        x[0]!.reduce(
          (s, v, l) => s + v.reduce((t, u, c) => t + (0.4 / 0.6) * (u * W[l * 3 + c]![o]!) ** 2, 0),
          0,
        ),
      );
      const got = moments(ours, n * k).variance;
      for (const o of [0, 1]) {
        assert.ok(Math.abs(got[o]! / shared[o]! - 1) < 0.1, `variance ${got[o]} vs shared-mask ${shared[o]}`);
        assert.ok(Math.abs(perElement[o]! / shared[o]! - 1) > 0.3, 'the check tells the two forms apart');
      }
    });

  it('SpatialDropout2D (a Keras class tfjs lacks): the same masks as tfjs’s Dropout with noise_shape [null, 1, 1, C]', async () => {
    const model = tf.sequential({
      layers: [
        L.dropout({
          rate: 0.3,
          noiseShape: [null, 1, 1, 2] as unknown as number[],
          name: 'sdrop',
          inputShape: [2, 3, 2],
        }),
        L.flatten({ name: 'flat' }),
        L.dense({ units: 2, name: 'out' }),
      ],
    });
    seed(model);
    const path = await save(join(dir, 'spatial2d'), model);
    // The file as Keras writes a SpatialDropout2D: its class and data_format instead of a noise_shape.
    const json = JSON.parse(readFileSync(path, 'utf8'));
    const layer = json.modelTopology.config.layers[0];
    layer.class_name = 'SpatialDropout2D';
    delete layer.config.noise_shape;
    layer.config.data_format = 'channels_last';
    writeFileSync(path, JSON.stringify(json));
    const x = [
      [
        [
          [0.3, -1],
          [1.2, 0.4],
          [-0.6, 0.9],
        ],
        [
          [0.8, 0.1],
          [-1.1, 0.5],
          [0.2, -0.3],
        ],
      ],
    ];
    const { ours, theirs, n, k } = await passes(path, model, x);
    assertWithinStandardErrors(moments(ours, n * k), moments(theirs, n * k), theirs, T, 'ours vs tfjs');
  });

  it('AlphaDropout: the exact moments of Klambauer et al.’s form; tfjs’s layer is off by its sign slip', async () => {
    const p = 0.2;
    const model = tf.sequential({
      layers: [
        L.alphaDropout({ rate: p, name: 'adrop', inputShape: [4] }),
        L.dense({ units: 2, name: 'out' }),
      ],
    });
    seed(model);
    const x = [[0.9, -0.4, 1.5, -1.2]];
    const { ours, theirs, n, k } = await passes(await save(join(dir, 'alpha'), model), model, x);
    const alphaP = -SELU_LAMBDA * SELU_ALPHA;
    const a = ((1 - p) * (1 + p * alphaP ** 2)) ** -0.5;
    const [W, b] = model.getWeights().map((w) => w.arraySync()) as [number[][], number[]];
    // E[a(m·x + (1 − m)·α′) + b′] = a(1 − p)x with b′ = −a·p·α′; Var = a²·p(1 − p)(x − α′)².
    const mean = [0, 1].map((o) => x[0]!.reduce((s, v, i) => s + W[i]![o]! * a * (1 - p) * v, b[o]!));
    const variance = [0, 1].map((o) =>
      x[0]!.reduce((s, v, i) => s + W[i]![o]! ** 2 * a * a * p * (1 - p) * (v - alphaP) ** 2, 0),
    );
    const se = variance.map((v) => Math.sqrt(v / T));
    const m = moments(ours, n * k);
    assertNear(m.mean, mean, se, 'mean');
    variance.forEach((v, o) =>
      assert.ok(Math.abs(m.variance[o]! / v - 1) < 0.1, `variance ${m.variance[o]} vs ${v}`),
    );
    // tfjs drops to −α′ instead of α′: its mean moves by −2·a·p·α′·Σ_i W[i].
    const slipped = mean.map((v, o) => v - 2 * a * p * alphaP * W.reduce((s, row) => s + row[o]!, 0));
    assertNear(moments(theirs, n * k).mean, slipped, se, 'tfjs mean (sign slip)');
  });
});
