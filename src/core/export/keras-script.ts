// Renders the Keras layer list of keras-model.ts as a self-contained Keras 3 script: keras.Sequential
// with the layers as constructor calls, two small layer classes the list may use (ClassicDropout,
// AlwaysOn), the weights embedded as one float32 blob with a layer name -> arrays table, and a
// `--predict rows.json` entry point.
import type { NetworkRecord } from '../model/network-spec';
import { kerasLayers, type KerasExportOptions, type KerasLayer, type PyValue } from './keras-model';
import { WeightBlob, docTitle, pyFloat, pyMain } from './python-script';

/** Arguments Keras expects as floats even when the value is whole. */
const FLOAT_ARGS = new Set([
  'rate',
  'stddev',
  'epsilon',
  'momentum',
  'negative_slope',
  'alpha',
  'mean',
  'variance',
]);

function pyValue(key: string, v: PyValue): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return FLOAT_ARGS.has(key) ? pyFloat(v) : String(v);
  return `[${v.map((e) => pyValue(key, e)).join(', ')}]`;
}

function pyLayer(l: KerasLayer): string {
  const call = (config: KerasLayer['config']) =>
    Object.entries(config)
      .map(([k, v]) => `${k}=${pyValue(k, v)}`)
      .join(', ');
  const module = l.className === 'ClassicDropout' ? 'ClassicDropout' : `keras.layers.${l.className}`;
  if (!l.alwaysOn) return `${module}(${call(l.config)})`;
  return `AlwaysOn(${module}(${call({ ...l.config, name: l.alwaysOn })}), name=${pyValue('name', l.config.name as string)})`;
}

const PRELUDE = `import argparse
import base64
import json

import keras
import numpy as np

# No tf.distribute.MirroredStrategy path: TensorFlow is not installed where Dropout Lens tests its exports,
# so training on several GPUs (make_model() inside strategy.scope()) is untested.


@keras.saving.register_keras_serializable(package="dropout_lens")
class ClassicDropout(keras.layers.Layer):
    """Dropout as first published: training keeps units unscaled, inference multiplies by 1 - rate."""

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            # keras.random.dropout scales kept units by 1 / (1 - rate); undo that.
            return keras.random.dropout(inputs, self.rate, seed=self.seed_generator) * (1 - self.rate)
        return inputs * (1 - self.rate)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate}


@keras.saving.register_keras_serializable(package="dropout_lens")
class AlwaysOn(keras.layers.Wrapper):
    """Keeps a dropout layer random at inference too (MC dropout)."""

    def call(self, inputs, training=None):
        return self.layer(inputs, training=True)
`;

const MAIN = `

def load_weights(model):
    """Sets every layer's weights from the embedded float32 blob; Keras checks each shape."""
    blob = np.frombuffer(base64.b64decode(WEIGHTS), dtype="<f4")
    for name, arrays in WEIGHT_TABLE.items():
        values = [blob[offset : offset + int(np.prod(shape))].reshape(shape) for shape, offset in arrays]
        model.get_layer(name).set_weights(values)
${pyMain({
  ready: 'model',
  rows: 'np.asarray(json.load(f), dtype="float32").reshape(-1, *INPUT_SHAPE)',
  predict: ['print(json.dumps(keras.ops.convert_to_numpy(model(rows, training=False)).tolist()))'],
  describe: 'model.summary()',
})}`;

/** The Python source; `net` carries the trained weights. */
export function writeKeras(net: NetworkRecord, options: KerasExportOptions): string {
  const layers = kerasLayers(net, options);
  const blob = new WeightBlob();
  const table = layers
    .filter((l) => l.weights.length > 0)
    .map((l) => {
      const arrays = l.weights.map((w) => `(${JSON.stringify(w.shape)}, ${blob.add(w.values)})`);
      return `    ${JSON.stringify(l.config.name)}: [${arrays.join(', ')}],`;
    });
  const body = layers.map((l) => `${l.note ? `            # ${l.note}\n` : ''}            ${pyLayer(l)},\n`);
  const doc = `"""${docTitle(options.name)}: a network trained in Dropout Lens, as Keras 3 (any backend).

Weights are embedded below (WEIGHTS: base64 of little-endian float32 values; WEIGHT_TABLE: layer name ->
[(shape, offset in floats)] in get_weights() order). Raw features go in: the model standardises them.
Run with --predict rows.json to print inference-mode predictions as JSON, or import build() from this file.
Dropout Lens checks this script by compiling it and by running the same layers and weights in
TensorFlow.js, not by running Keras.
"""
`;
  return [
    doc,
    PRELUDE,
    `\nINPUT_SHAPE = ${JSON.stringify(net.inputShape)}\n`,
    `\n\ndef make_model():\n    return keras.Sequential(\n        [\n            keras.Input(shape=INPUT_SHAPE),\n`,
    body.join(''),
    `        ],\n        name="dropout_lens",\n    )\n`,
    `\n\nWEIGHT_TABLE = {\n${table.join('\n')}\n}\n`,
    `\n${blob.python()}`,
    MAIN,
  ].join('');
}
