import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { findReader, openModel } from '../../../src/core/formats/detect';
import { readKeras } from '../../../src/core/formats/keras/keras-reader';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { ModelFormatError } from '../../../src/core/formats/reader';
import { lintGraph } from '../../../src/core/lint/engine';
import type { Graph } from '../../../src/core/model/ir';
import { paramCounts } from '../../../src/core/model/param-counts';

const KERAS = join('test', 'fixtures', 'keras');
const ARCH = join('test', 'fixtures', 'architectures');
const EXAMPLES = ['mnist_cnn', 'cifar10_cnn', 'imdb_lstm', 'imdb_bidirectional_lstm', 'reuters_mlp_selu'];

/** What TensorFlow.js 4.22 reported for the tfjs version of each example (generate-tfjs.mjs). */
interface Truth {
  tfjsCountParams: number;
  layers: { name: string; outputShape: (number | null)[]; params: number }[];
}
const truth = JSON.parse(readFileSync(join(ARCH, 'truth.json'), 'utf8')) as Record<string, Truth>;

const open = (path: string): Graph => openModel(nodeModelSource(path));
const body = (g: Graph) => g.layers.filter((l) => l.op !== 'input');

/** Findings as (rule, position of the layer among the non-input layers): Keras 3 renumbers layer names. */
function findings(g: Graph): [string, number, string][] {
  const layers = body(g);
  return lintGraph(g)
    .map((f): [string, number, string] => [f.rule, layers.indexOf(f.layer), f.layer.name])
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
}

describe('Keras .keras and .h5 readers', () => {
  for (const name of EXAMPLES) {
    const tfjs = open(join(ARCH, 'tfjs', name, 'model.json'));
    const expected = truth[`tfjs/${name}/model.json`] as Truth;
    for (const ext of ['h5', 'keras']) {
      it(`${name}.${ext}: layers, shapes, parameters and findings of the TensorFlow.js version`, () => {
        const graph = open(join(KERAS, `${name}.${ext}`));
        assert.equal(graph.format, ext === 'h5' ? 'keras-h5' : 'keras');
        assert.deepEqual(paramCounts(graph), {
          total: expected.tfjsCountParams,
          trainable: expected.tfjsCountParams,
        });
        assert.deepEqual(
          body(graph).map((l) => [l.outputShape, l.params]),
          expected.layers.map((l) => [l.outputShape, l.params]),
        );
        const mine = findings(graph);
        const theirs = findings(tfjs);
        assert.deepEqual(
          mine.map(([rule, at]) => [rule, at]),
          theirs.map(([rule, at]) => [rule, at]),
        );
        // Keras 2 files keep the names the TensorFlow.js version has.
        if (ext === 'h5')
          assert.deepEqual(
            mine.map((f) => f[2]),
            theirs.map((f) => f[2]),
          );
      });
    }
  }

  it('reads every dropout: spatial, alpha, Gaussian, recurrent, inside wrappers and nested models', () => {
    const nested = open(join(KERAS, 'nested_wrappers.keras'));
    assert.deepEqual(
      nested.layers.filter((l) => l.dropout).map((l) => [l.name, l.dropout?.variant, l.dropout?.rate]),
      [
        ['spatial_dropout1d', 'spatial', 0.2],
        ['functional/gaussian_dropout', 'gaussian', 0.1],
        ['functional/dropout', 'standard', 0.5],
      ],
    );
    const selu = open(join(KERAS, 'reuters_mlp_selu.keras'));
    assert.equal(selu.layers.filter((l) => l.dropout?.variant === 'alpha').length, 6);
    for (const file of ['imdb_bidirectional_lstm.keras', 'imdb_bidirectional_lstm.h5', 'imdb_lstm.keras']) {
      const rnn = open(join(KERAS, file)).layers.find((l) => l.op === 'rnn');
      assert.deepEqual(
        rnn?.innerDropout?.map((d) => [d.variant, d.rate]),
        [
          ['standard', 0.2],
          ['variational', 0.2],
        ],
        file,
      );
    }
  });

  it('nested_wrappers: a Functional inside a Sequential and TimeDistributed, counted as h5py counts', () => {
    // Every weight's element count, summed by h5py over the file's model_weights.
    const h5pyCount = Number(
      execFileSync('/usr/bin/python3', [
        '-c',
        `import h5py, numpy
f = h5py.File('${join(KERAS, 'nested_wrappers.h5')}', 'r')
n = []
f['model_weights'].visititems(lambda k, o: n.append(o.size) if isinstance(o, h5py.Dataset) else None)
print(sum(n))`,
      ]).toString(),
    );
    for (const ext of ['h5', 'keras']) {
      const graph = open(join(KERAS, `nested_wrappers.${ext}`));
      assert.equal(paramCounts(graph).total, h5pyCount, ext);
      const td = graph.layers.find((l) => l.originalOp === 'TimeDistributed');
      assert.deepEqual([td?.op, td?.outputShape, td?.params], ['dense', [null, 10, 16], 8 * 16 + 16]);
      const output = graph.outputs[0];
      assert.deepEqual(output?.shape, [null, 4]);
      const last = graph.layers.find((l) => l.id === output?.layerId);
      assert.match(last?.name ?? '', /^(model_1|functional)\/dense_[23]$/);
    }
  });

  it('names a custom object without running it, and reads the Keras 3 dialect', () => {
    const config = {
      module: 'keras',
      class_name: 'Sequential',
      config: {
        name: 'custom',
        layers: [
          {
            module: 'keras.layers',
            class_name: 'InputLayer',
            config: { batch_shape: [null, 4], name: 'in' },
          },
          {
            module: 'my_package.layers',
            class_name: 'Scaler',
            registered_name: 'my_package>Scaler',
            config: { name: 'scaler', factor: 2 },
          },
          {
            module: 'keras.layers',
            class_name: 'Dropout',
            registered_name: null,
            config: {
              name: 'drop',
              rate: 0.3,
              dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' } },
            },
          },
        ],
      },
    };
    const zip = zipSync({ 'config.json': new TextEncoder().encode(JSON.stringify(config)) });
    const graph = readKeras(zip, 'custom.keras');
    const scaler = graph.layers.find((l) => l.name === 'scaler');
    assert.deepEqual(
      [scaler?.op, scaler?.originalOp, scaler?.attributes.registered_name],
      ['unknown', 'Scaler', 'my_package>Scaler'],
    );
    const drop = graph.layers.find((l) => l.name === 'drop');
    assert.deepEqual([drop?.dropout?.rate, drop?.attributes.dtype], [0.3, 'float32']);
  });

  it('sniffs by signature and name, and says which formats it reads', () => {
    assert.equal(findReader(nodeModelSource(join(KERAS, 'mnist_cnn.keras')))?.format, 'keras');
    assert.equal(findReader(nodeModelSource(join(KERAS, 'mnist_cnn.h5')))?.format, 'keras-h5');
    const notModel = { path: 'x.keras', bytes: new TextEncoder().encode('not a zip') };
    assert.equal(findReader(notModel), undefined);
    assert.throws(
      () => openModel(notModel),
      (e: Error) => e instanceof ModelFormatError && /Keras \.keras or \.h5/.test(e.message),
    );
  });
});
