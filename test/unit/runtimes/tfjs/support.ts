// Helpers of the tfjs runtime tests: model sources with seeded weights, tfjs's own reference runs, and the
// MC statistics with their standard errors, computed here by hand from every pass's probabilities.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { nodeModelSource } from '../../../../src/core/formats/node-model-source';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { io } from '@tensorflow/tfjs-core';
import type { ModelSource } from '../../../../src/core/formats/reader';
import { openModel } from '../../../../src/core/formats/detect';
import { openTfjsRuntimeModel, type TfjsRuntimeOptions } from '../../../../src/core/runtimes/tfjs/open';
import type { McModel } from '../../../../src/core/engine/mc/runtime';

/** A tfjs layers model on the tfjs runtime, with the IR graph the product reads from the same source. */
export const openLayers = (source: ModelSource, options?: TfjsRuntimeOptions): Promise<McModel> =>
  openTfjsRuntimeModel(source, openModel(source), options);

export const ARCHITECTURES = join(__dirname, '../../../../../test/fixtures/architectures/tfjs');

/** Park–Miller LCG (as test/fixtures/tfjs/shards.mjs): the same numbers on every run. */
export function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

/**
 * Seeded weights for a manifest: kernels uniform in ±√(6 / (fan in + fan out)) (Glorot), vectors in ±0.1.
 * Committed Keras examples over 2 MB have no shards (see test/fixtures/architectures/README.md).
 */
export function seededWeights(manifest: io.WeightsManifestConfig, seed: number): Float32Array {
  const next = lcg(seed);
  const specs = manifest.flatMap((g) => g.weights);
  const size = specs.reduce((a, s) => a + s.shape.reduce((p, d) => p * d, 1), 0);
  const out = new Float32Array(size);
  let at = 0;
  for (const spec of specs) {
    const n = spec.shape.reduce((p, d) => p * d, 1);
    const fanOut = spec.shape[spec.shape.length - 1] ?? 1;
    const limit = spec.shape.length >= 2 ? Math.sqrt(6 / (n / fanOut + fanOut)) : 0.1;
    for (let i = 0; i < n; i++) out[at + i] = (2 * next() - 1) * limit;
    at += n;
  }
  return out;
}

export interface Example {
  source: ModelSource;
  json: io.ModelJSON;
  /** The weights as one buffer, in manifest order. */
  weights: ArrayBuffer;
}

/**
 * A Keras example of the architecture corpus with seeded weights (the committed shards, where there are
 * any, hold weights too small for dropout to move the outputs much), served as its manifest's first shard.
 */
export function kerasExample(name: string): Example {
  const path = join(ARCHITECTURES, name, 'model.json');
  const json = JSON.parse(readFileSync(path, 'utf8')) as io.ModelJSON;
  const manifest = json.weightsManifest;
  const weights = seededWeights(manifest, name.length * 7919).buffer as ArrayBuffer;
  // tfjs concatenates a group's shards in order: the whole buffer as the first, the others empty.
  const shards = new Map(
    manifest.flatMap((g) =>
      g.paths.map((p, i) => [p, i === 0 ? new Uint8Array(weights) : new Uint8Array(0)]),
    ),
  );
  const source: ModelSource = {
    path,
    bytes: readFileSync(path),
    readSibling: async (p) => {
      const bytes = shards.get(p);
      if (!bytes) throw new Error(`no shard ${p}`);
      return bytes;
    },
  };
  return { source, json, weights };
}

/** A model file with its shards, as they are on the disk. */
export function diskExample(path: string): Example {
  const json = JSON.parse(readFileSync(path, 'utf8')) as io.ModelJSON;
  const parts = json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dirname(path), p))));
  return { source: nodeModelSource(path), json, weights: new Uint8Array(Buffer.concat(parts)).buffer };
}

/** tfjs's own artifacts for the same model and weights (a reference loaded without our IO handler). */
export function artifacts(example: Example): io.ModelArtifacts {
  return {
    modelTopology: example.json.modelTopology,
    weightSpecs: example.json.weightsManifest.flatMap((g) => g.weights),
    weightData: example.weights,
    format: example.json.format,
  };
}

/** Seeded inputs: values in [0, 1), or whole numbers below `vocabulary` (token ids). */
export function inputs(n: number, shape: number[], seed: number, vocabulary?: number): Float32Array {
  const next = lcg(seed);
  const size = n * shape.reduce((a, d) => a * d, 1);
  return Float32Array.from({ length: size }, () => (vocabulary ? Math.floor(next() * vocabulary) : next()));
}

/** Runs `fn` with Math.random drawn from a seeded LCG, so tfjs's own unseeded draws repeat on every run. */
export function seededMathRandom<T>(seed: number, fn: () => T): T {
  const random = Math.random;
  Math.random = lcg(seed);
  try {
    return fn();
  } finally {
    Math.random = random;
  }
}

const entropy = (p: ArrayLike<number>, o: number, c: number) => {
  let h = 0;
  for (let k = 0; k < c; k++) {
    const v = p[o + k] as number;
    if (v > 0) h -= v * Math.log(v);
  }
  return h;
};

export interface McFigures {
  /** Per sample and class. */
  mean: Float64Array;
  /** Standard error of each mean probability. */
  meanSe: Float64Array;
  /** Mean over samples of the predictive entropy H(p̄), and its standard error (delta method). */
  meanEntropy: number;
  meanEntropySe: number;
  /** Mean over samples of the mutual information H(p̄) − mean H(p_t), and its standard error. */
  meanMutualInfo: number;
  meanMutualInfoSe: number;
}

/**
 * The MC statistics of T passes (probabilities, pass-major: T × n × c) with standard errors: each sample's
 * statistic is a smooth function of pass means, so its error is that of the mean of its influence values
 * (H(p̄): ∇H·(p_t − p̄); MI: ∇H·(p_t − p̄) − (H(p_t) − mean H)), over T passes; samples draw independently.
 */
export function mcFigures(probs: Float32Array, passes: number, n: number, c: number): McFigures {
  const mean = new Float64Array(n * c);
  for (let t = 0; t < passes; t++) for (let i = 0; i < n * c; i++) mean[i]! += probs[t * n * c + i]! / passes;
  const meanSe = new Float64Array(n * c);
  for (let t = 0; t < passes; t++)
    for (let i = 0; i < n * c; i++) meanSe[i]! += (probs[t * n * c + i]! - mean[i]!) ** 2;
  for (let i = 0; i < n * c; i++) meanSe[i] = Math.sqrt(meanSe[i]! / (passes - 1) / passes);
  let meanEntropy = 0;
  let meanMutualInfo = 0;
  let varEntropy = 0;
  let varMi = 0;
  for (let r = 0; r < n; r++) {
    const h = entropy(mean, r * c, c);
    const grad = Array.from({ length: c }, (_, k) => -(Math.log(Math.max(mean[r * c + k]!, 1e-12)) + 1));
    const hs = Array.from({ length: passes }, (_, t) => entropy(probs, (t * n + r) * c, c));
    const expected = hs.reduce((a, v) => a + v, 0) / passes;
    meanEntropy += h / n;
    meanMutualInfo += (h - expected) / n;
    let sh = 0;
    let smi = 0;
    for (let t = 0; t < passes; t++) {
      let g = 0;
      for (let k = 0; k < c; k++) g += grad[k]! * (probs[(t * n + r) * c + k]! - mean[r * c + k]!);
      sh += g * g;
      smi += (g - (hs[t]! - expected)) ** 2;
    }
    varEntropy += sh / (passes - 1) / passes / (n * n);
    varMi += smi / (passes - 1) / passes / (n * n);
  }
  return {
    mean,
    meanSe,
    meanEntropy,
    meanEntropySe: Math.sqrt(varEntropy),
    meanMutualInfo,
    meanMutualInfoSe: Math.sqrt(varMi),
  };
}

/** The probabilities of `passes` calls of `pass` (each n × c), pass-major. */
export function collect(passes: number, pass: () => tf.Tensor): Float32Array {
  const parts: Float32Array[] = [];
  for (let t = 0; t < passes; t++) {
    const y = pass();
    parts.push(y.dataSync() as Float32Array);
    y.dispose();
  }
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  parts.forEach((p, t) => out.set(p, t * p.length));
  return out;
}

/**
 * One pass of a tfjs layers model applied layer by layer with tfjs's own layers, each called with its
 * own training flag (`training(layer)`): the reference for models with batch normalisation, where one
 * flag for all would switch it to batch statistics. Independent of the runtime's call switch.
 */
export function layerByLayer(
  model: tfl.LayersModel,
  x: tf.Tensor,
  training: (layer: tfl.layers.Layer) => boolean,
): tf.Tensor {
  const values = new Map<number, tf.Tensor>([[model.inputs[0]!.id, x]]);
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const node = layer.inboundNodes[0]!;
    const ins = node.inputTensors.map((t) => values.get(t.id)!);
    const out = layer.apply(ins.length === 1 ? ins[0]! : ins, { training: training(layer) }) as
      tf.Tensor | tf.Tensor[];
    (Array.isArray(out) ? out : [out]).forEach((t, i) => values.set(node.outputTensors[i]!.id, t));
  }
  return values.get(model.outputs[0]!.id)!;
}

/**
 * A reference output as class probabilities, by the convention the runtime documents: softmax outputs as
 * they are, one unit as [1 − p, p] (p = the unit after a sigmoid, else its sigmoid), other outputs softmaxed.
 */
export function asProbabilities(y: tf.Tensor, model: tfl.LayersModel): tf.Tensor {
  const rows = tf.reshape(y, [y.shape[0]!, -1]);
  const last = model.outputs[0]!.sourceLayer;
  const activation = last.getClassName() === 'Softmax' ? 'softmax' : last.getConfig().activation;
  if (rows.shape[1] === 1) {
    const p = activation === 'sigmoid' ? rows : tf.sigmoid(rows);
    return tf.concat([tf.sub(1, p), p], 1);
  }
  return activation === 'softmax' ? rows : tf.softmax(rows);
}
