// Keras export. Keras is not installable here, so the exported layer list (the one source the script is
// rendered from) is built in TensorFlow.js layers, an independent implementation of Keras's layer
// semantics and weight layouts, loaded with the same weights, and must predict what the engine predicts
// within 1e-5 on raw digits rows. The script itself is checked by Python's compiler, and its embedded
// weights by decoding them with numpy; it is never run under Keras in these tests.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadData } from '../../../src/core/data/load';
import { nodeDataSource } from '../../../src/core/data/node-data';
import { trainPlan } from '../../../src/core/engine/train/session';
import { trainingSpec } from '../../../src/core/model/training-spec';
import { Rng } from '../../../src/core/random/rng';
import { Network } from '../../../src/core/engine/network';
import type { LayerSpec } from '../../../src/core/model/network-spec';
import { openModel } from '../../../src/core/formats/detect';
import { kerasLayers, type KerasExportOptions } from '../../../src/core/export/keras-model';
import { writeKeras } from '../../../src/core/export/keras-script';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { enginePredict, maxDiff } from './engine-predict';
import { MIXED_LAYERS, MIXED_STANDARDIZATION } from './export-networks';

const PYTHON = '/usr/bin/python3';

type Config = tf.serialization.ConfigDict & ConstructorParameters<typeof tf.layers.Layer>[0];

/** Keras 3's Normalization (keras/src/layers/preprocessing/normalization.py), which tfjs lacks:
 * (x − mean) / max(√variance, 1e-7), mean and variance per kept axis. */
class Normalization extends tf.layers.Layer {
  static readonly className = 'Normalization';
  private readonly mean: number[];
  private readonly variance: number[];
  constructor(config: Config) {
    super(config);
    // Nested like the input shape when the input has more than one axis.
    this.mean = (config.mean as number[]).flat(3);
    this.variance = (config.variance as number[]).flat(3);
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
      const shape = [1, ...x.shape.slice(1)];
      const mean = tf.tensor(this.mean, shape);
      const std = tf.maximum(tf.sqrt(tf.tensor(this.variance, shape)), 1e-7);
      return tf.div(tf.sub(x, mean), std);
    });
  }
}

/** The script's ClassicDropout at inference: x · (1 − rate). */
class ClassicDropout extends tf.layers.Layer {
  static readonly className = 'ClassicDropout';
  private readonly rate: number;
  constructor(config: Config) {
    super(config);
    this.rate = config.rate as number;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.mul(Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs, 1 - this.rate));
  }
}

/** tfjs has no SpatialDropout2D; at inference, the only mode compared here, Keras's is the identity. */
class SpatialDropout2D extends tf.layers.Layer {
  static readonly className = 'SpatialDropout2D';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs;
  }
}

for (const cls of [Normalization, ClassicDropout, SpatialDropout2D]) tf.serialization.registerClass(cls);

/** Keras 3 argument names that tfjs (which follows the Keras 2 API) spells differently. */
const TFJS_ARGS: Record<string, string> = { negative_slope: 'alpha' };

/** tfjs predictions of the exported layer list, deserialised from Keras-style JSON with the exported weights. */
async function tfjsPredict(net: Network, options: KerasExportOptions, x: Float32Array, rows: number) {
  const layers = kerasLayers(net.record(), options);
  const topology = {
    class_name: 'Sequential',
    config: {
      name: 'exported',
      layers: layers.map((l, i) => {
        const config: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(l.config)) config[TFJS_ARGS[k] ?? k] = v;
        if (i === 0) config.batch_input_shape = [null, ...net.inputShape];
        return { class_name: l.className, config };
      }),
    },
  };
  const model = await tf.models.modelFromJSON(topology as unknown as tf.serialization.ConfigDict);
  for (const l of layers)
    if (l.weights.length > 0)
      model.getLayer(l.config.name as string).setWeights(l.weights.map((w) => tf.tensor(w.values, w.shape)));
  const out = model.predict(tf.tensor(x, [rows, ...net.inputShape])) as tf.Tensor;
  const values = Array.from(await out.data());
  tf.dispose([out, ...model.weights.map((w) => w.read())]);
  return values;
}

/** Compiles the script with Python and decodes its weight blob with numpy: [layer name, arrays]. */
function pythonWeights(script: string): Record<string, { shape: number[]; values: number[] }[]> {
  const dir = mkdtempSync(join(tmpdir(), 'dl-keras-'));
  try {
    writeFileSync(join(dir, 'model.py'), script);
    const compiled = spawnSync(PYTHON, ['-m', 'py_compile', 'model.py'], { cwd: dir, encoding: 'utf8' });
    assert.equal(compiled.status, 0, compiled.stderr);
    // The script imports keras, which is not installed: read its two constants without running it.
    const decode = `
import ast, base64, json
import numpy as np
tree = ast.parse(open("model.py").read())
consts = {t.targets[0].id: ast.literal_eval(t.value) for t in tree.body if isinstance(t, ast.Assign) and isinstance(t.targets[0], ast.Name) and t.targets[0].id in ("WEIGHTS", "WEIGHT_TABLE")}
blob = np.frombuffer(base64.b64decode(consts["WEIGHTS"]), dtype="<f4")
out = {name: [{"shape": list(s), "values": blob[o : o + int(np.prod(s))].reshape(s).ravel().tolist()} for s, o in arrays] for name, arrays in consts["WEIGHT_TABLE"].items()}
assert sum(int(np.prod(s)) for arrays in consts["WEIGHT_TABLE"].values() for s, _ in arrays) == blob.size
print(json.dumps(out))
`;
    const r = spawnSync(PYTHON, ['-c', decode], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as Record<string, { shape: number[]; values: number[] }[]>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every weighted layer's arrays, as the script's blob holds them, equal the exported ones. */
function checkScript(net: Network, options: KerasExportOptions): void {
  const fromPython = pythonWeights(writeKeras(net.record(), options));
  const layers = kerasLayers(net.record(), options).filter((l) => l.weights.length > 0);
  assert.deepEqual(
    Object.keys(fromPython),
    layers.map((l) => l.config.name),
  );
  for (const l of layers)
    assert.deepEqual(
      fromPython[l.config.name as string],
      l.weights.map((w) => ({ shape: w.shape, values: Array.from(w.values) })),
    );
}

describe('Keras export (TensorFlow.js layers as the reference)', function () {
  this.timeout(60000);
  const digits = loadData('builtin:digits', nodeDataSource);
  const rows = 32;
  const x = digits.x.slice(0, rows * 64);

  for (const file of ['samples/digits-mlp.nn.json', 'samples/digits-cnn.nn.json']) {
    it(`${file}: trained for 1 epoch, tfjs gives the engine's probabilities; the script compiles`, async () => {
      const graph = openModel(nodeModelSource(file));
      const spec = { ...trainingSpec(graph), epochs: 1 };
      const report = await trainPlan(graph, loadData(spec.data as string, nodeDataSource, spec.seed), spec, {
        name: 'dropout',
      });
      const options = { name: file, softmax: report.softmaxInLoss, standardization: report.standardization };
      const diff = maxDiff(
        await tfjsPredict(report.network, options, x, rows),
        enginePredict(report.network, x, rows, options),
      );
      assert.ok(diff < 1e-5, `max |tfjs − engine| = ${diff}`);
      checkScript(report.network, options);
    });
  }

  it('every activation, norm and dropout variant agrees at inference', async () => {
    const net = new Network([64], MIXED_LAYERS);
    net.init(new Rng(3));
    const options = { name: 'mixed', softmax: true, standardization: MIXED_STANDARDIZATION };
    const diff = maxDiff(await tfjsPredict(net, options, x, rows), enginePredict(net, x, rows, options));
    assert.ok(diff < 1e-5, `max |tfjs − engine| = ${diff}`);
    checkScript(net, options);
  });

  it('channels-first layouts: strided padded conv, max pool, 1-D spatial dropout, global pooling', async () => {
    const specs: LayerSpec[] = [
      { type: 'reshape', name: 'r', shape: [1, 8, 8] },
      { type: 'conv2d', name: 'c1', filters: 3, kernelSize: 3, stride: 2, padding: 1 },
      { type: 'activation', name: 'c1/relu', activation: 'relu' },
      { type: 'conv2d', name: 'c2', filters: 5, kernelSize: 2, padding: 'valid' },
      { type: 'batchnorm', name: 'bn', momentum: 0.2, eps: 1e-3 },
      { type: 'pool', name: 'p', pool: 'max', poolSize: 2, stride: 1 },
      { type: 'reshape', name: 'to-seq', shape: [5, 4] },
      { type: 'dropout', name: 'sd1', variant: 'spatial', rate: 0.3 },
      { type: 'reshape', name: 'back', shape: [5, 2, 2] },
      { type: 'conv2d', name: 'c3', filters: 6, kernelSize: 1 },
      { type: 'activation', name: 'c3/sigmoid', activation: 'sigmoid' },
      { type: 'pool', name: 'gap', pool: 'global-avg' },
      { type: 'dense', name: 'out', units: 4, bias: false },
    ];
    const net = new Network([64], specs);
    net.init(new Rng(5));
    // Non-trivial running statistics, so the BatchNorm mapping is checked on them too.
    for (const t of net.tensors())
      if (t.name.startsWith('bn.')) for (let i = 0; i < t.value.length; i++) t.value[i] = 0.5 + 0.25 * i;
    const options = { name: 'layouts', softmax: false };
    const layers = kerasLayers(net.record(), options);
    assert.deepEqual(
      layers.map((l) => l.className),
      [
        ...['Reshape', 'Permute', 'ZeroPadding2D', 'Conv2D', 'Activation', 'Conv2D', 'BatchNormalization'],
        ...['MaxPooling2D', 'Permute', 'Reshape', 'Permute', 'SpatialDropout1D', 'Permute', 'Reshape'],
        ...['Permute', 'Conv2D', 'Activation', 'GlobalAveragePooling2D', 'Dense'],
      ],
    );
    assert.equal(layers[6]?.config.momentum, 0.8);
    const diff = maxDiff(await tfjsPredict(net, options, x, rows), enginePredict(net, x, rows, options));
    assert.ok(diff < 1e-5, `max |tfjs − engine| = ${diff}`);
    checkScript(net, options);
  });

  it('standardises a [channels, height, width] input per feature', async () => {
    const net = new Network(
      [1, 8, 8],
      [
        { type: 'conv2d', name: 'c', filters: 2, kernelSize: 3 },
        { type: 'flatten', name: 'f' },
        { type: 'dense', name: 'out', units: 3 },
      ],
    );
    net.init(new Rng(2));
    const options = { name: 'image', softmax: true, standardization: MIXED_STANDARDIZATION };
    const [normalization] = kerasLayers(net.record(), options);
    assert.deepEqual(normalization?.config.axis, [1, 2, 3]);
    assert.deepEqual(
      (normalization?.config.mean as number[][][])[0]?.[1],
      MIXED_STANDARDIZATION.mean.slice(8, 16),
    );
    const diff = maxDiff(await tfjsPredict(net, options, x, rows), enginePredict(net, x, rows, options));
    assert.ok(diff < 1e-5, `max |tfjs − engine| = ${diff}`);
    checkScript(net, options);
  });

  it('MC-dropout layers are wrapped to stay random at inference', () => {
    const net = new Network(
      [64],
      [
        { type: 'dense', name: 'a', units: 8 },
        { type: 'dropout', name: 'mc', variant: 'gaussian', rate: 0.5, mode: 'always' },
        { type: 'dense', name: 'out', units: 3 },
      ],
    );
    net.init(new Rng(1));
    const script = writeKeras(net.record(), { name: 'mc', softmax: false });
    assert.match(
      script,
      /AlwaysOn\(keras\.layers\.GaussianDropout\(rate=0\.5, name="mc_inner"\), name="mc"\)/,
    );
    checkScript(net, { name: 'mc', softmax: false });
  });
});
