// Keras weights read from HDF5 against h5py's reading of the same datasets, and the deterministic MC pass
// of Keras files on the own engine and on TensorFlow.js against a NumPy forward pass over h5py's weights.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { openModel } from '../../../src/core/formats/detect';
import { layersWeights } from '../../../src/core/formats/keras/weights';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { loadTfjsWeights } from '../../../src/core/formats/tfjs/weights';
import { openMcModel } from '../../../src/core/runtimes/open';

const KERAS = join('test', 'fixtures', 'keras');

function python(script: string): unknown {
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { maxBuffer: 64 << 20 }).toString());
}

/** A few values of a few datasets, as h5py reads them (Keras 2 paths; the .keras holds the same values). */
const H5PY_VALUES = python(`
import h5py, json
f = h5py.File('${KERAS}/nested_wrappers.h5', 'r')
w = f['model_weights']
pick = {
  'time_distributed_1/kernel': w['time_distributed_1/time_distributed_1/kernel:0'],
  'model_1/dense_2/kernel': w['model_1/dense_2/kernel:0'],
  'model_1/dense_3/bias': w['model_1/dense_3/bias:0'],
}
print(json.dumps({k: {'shape': list(d.shape), 'first': d[()].ravel()[:3].tolist(), 'last': d[()].ravel()[-3:].tolist(), 'sum': float(d[()].astype('float64').sum())} for k, d in pick.items()}))
`) as Record<string, { shape: number[]; first: number[]; last: number[]; sum: number }>;

/**
 * NumPy's forward pass over h5py's weights, in inference mode (every dropout the identity), for the
 * layer classes of the two committed whole-weight models: Dense, Activation, Flatten, the dropouts,
 * TimeDistributed(Dense) and a nested Model.
 */
function numpyForward(name: string, shape: number[]): { x: number[]; y: number[][] } {
  return python(`
import h5py, json, numpy as np
f = h5py.File('${KERAS}/${name}.h5', 'r')
config = json.loads(f.attrs['model_config'])
w = f['model_weights']
act = {
  'linear': lambda x: x, 'relu': lambda x: np.maximum(x, 0),
  'selu': lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * (np.exp(x) - 1)),
  'softmax': lambda x: np.exp(x - x.max(-1, keepdims=True)) / np.exp(x - x.max(-1, keepdims=True)).sum(-1, keepdims=True),
}
def dense(x, c, group, scope):
  k = group[scope + '/kernel:0'][()].astype('float64'); b = group[scope + '/bias:0'][()].astype('float64')
  return act[c['activation']](x @ k + b)
def run(x, layers, group, nested=False):
  for l in layers:
    cls, c = l['class_name'], l['config']
    # A nested model's group holds its layers' weights by their scope; a top-level layer has a group of its own.
    if cls == 'Dense': x = dense(x, c, group if nested else group[c['name']], c['name'])
    elif cls == 'TimeDistributed': x = dense(x, c['layer']['config'], group[c['name']], c['name'])
    elif cls == 'Activation': x = act[c['activation']](x)
    elif cls == 'Flatten': x = x.reshape(x.shape[0], -1)
    elif cls in ('Model', 'Functional'): x = run(x, [m for m in c['layers'] if m['class_name'] != 'InputLayer'], group[c['name']], True)
    elif 'Dropout' in cls: pass
    else: raise Exception(cls)
  return x
x = np.random.RandomState(7).uniform(-1, 1, ${JSON.stringify(shape)}).astype('float32')
print(json.dumps({'x': x.ravel().tolist(), 'y': run(x.astype('float64'), config['config']['layers'], w).tolist()}))
`) as { x: number[]; y: number[][] };
}

describe('Keras weights', () => {
  for (const ext of ['h5', 'keras']) {
    it(`nested_wrappers.${ext}: the values h5py reads, named as the layers are`, async () => {
      const source = nodeModelSource(join(KERAS, `nested_wrappers.${ext}`));
      const graph = openModel(source);
      const weights = layersWeights(graph, source);
      const loaded = await loadTfjsWeights(weights.manifest, weights.source, graph.format);
      // Keras 3 names layers from 0 (dense, dense_1 …) where Keras 2 named them from 1.
      const rename: Record<string, string> =
        ext === 'h5'
          ? {}
          : {
              'time_distributed_1/kernel': 'time_distributed/kernel',
              'model_1/dense_2/kernel': 'functional/dense_1/kernel',
              'model_1/dense_3/bias': 'functional/dense_2/bias',
            };
      for (const [name, expected] of Object.entries(H5PY_VALUES)) {
        const tensor = loaded.get(rename[name] ?? name);
        assert.ok(tensor, `${name} in ${[...loaded.keys()].join(', ')}`);
        assert.deepEqual(tensor.shape, expected.shape);
        const values = Array.from(tensor.values);
        assert.deepEqual(values.slice(0, 3), expected.first.map(Math.fround));
        assert.deepEqual(values.slice(-3), expected.last.map(Math.fround));
        const sum = values.reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(sum - expected.sum) < 1e-4, `${name}: ${sum} vs ${expected.sum}`);
      }
      assert.equal(
        [...loaded.values()].reduce((n, t) => n + t.values.length, 0),
        5428,
        'every parameter is read',
      );
    });
  }

  const cases = [
    { name: 'reuters_mlp_selu', shape: [3, 1000], engines: ['own', 'tfjs'] as const },
    { name: 'nested_wrappers', shape: [3, 10, 8], engines: ['tfjs'] as const },
  ];
  for (const { name, shape, engines } of cases) {
    for (const ext of ['h5', 'keras']) {
      for (const engine of engines) {
        it(`${name}.${ext} on ${engine}: the deterministic pass is NumPy's forward within 1e-5`, async () => {
          const reference = numpyForward(name, shape);
          const source = nodeModelSource(join(KERAS, `${name}.${ext}`));
          const model = await openMcModel(openModel(source), source, { engine });
          try {
            const out = await model.deterministic({ data: Float32Array.from(reference.x), shape });
            const expected = reference.y.flat();
            assert.equal(out.length, expected.length);
            const worst = Math.max(...expected.map((v, i) => Math.abs(v - (out[i] as number))));
            assert.ok(worst < 1e-5, `largest difference ${worst}`);
          } finally {
            await model.dispose();
          }
        });
      }
    }
  }
});
