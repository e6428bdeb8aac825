// Hostile and damaged Keras files: every one is a ModelFormatError naming the file and the place (the zip
// entry, the HDF5 path or the byte where the zip ends), refused from its declared sizes before anything is
// inflated or allocated. The HDF5 files are written by h5py in Keras 2's layout with the hostile part.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, zipSync } from 'fflate';
import { openModel } from '../../../src/core/formats/detect';
import { readKerasEntries } from '../../../src/core/formats/keras/archive';
import { readKeras } from '../../../src/core/formats/keras/keras-reader';
import { layersWeights } from '../../../src/core/formats/keras/weights';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { ModelFormatError } from '../../../src/core/formats/reader';
import type { ModelFormat } from '../../../src/core/model/ir';

const KERAS = join('test', 'fixtures', 'keras');

function refused(f: () => unknown, format: ModelFormat, place: RegExp | undefined, message: RegExp): void {
  assert.throws(f, (e: Error) => {
    assert.ok(e instanceof ModelFormatError, `${e.name}: ${e.message}`);
    assert.equal(e.format, format);
    assert.match(e.message, message);
    if (place) assert.match(JSON.stringify(e.location), place);
    return true;
  });
}

/** Sets the uncompressed size every header of the zip declares for its first entry. */
function declareSize(zip: Uint8Array, size: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  for (let i = 0; i + 4 <= out.length; i++) {
    const signature = view.getUint32(i, true);
    if (signature === 0x04034b50) view.setUint32(i + 22, size, true); // local file header
    if (signature === 0x02014b50) view.setUint32(i + 24, size, true); // central directory entry
  }
  return out;
}

const config = new TextEncoder().encode(
  JSON.stringify({ class_name: 'Sequential', config: { name: 'm', layers: [] } }),
);

describe('hostile Keras files', () => {
  it('a .keras cut short anywhere is refused, at the end of what is there', () => {
    const bytes = new Uint8Array(readFileSync(join(KERAS, 'mnist_cnn.keras')));
    for (const n of [0, 4, 30, 200, bytes.length >> 1, bytes.length - 30, bytes.length - 1])
      refused(() => readKeras(bytes.subarray(0, n), 'cut.keras'), 'keras', /byteOffset|node/, /cut\.keras/);
  });

  it('refuses zip entries whose names leave the archive, naming the entry', () => {
    for (const name of ['../config.json', 'a/../../b', '/etc/passwd', '\\windows\\x', 'C:/x'])
      refused(
        () => readKeras(zipSync({ 'config.json': config, [name]: config }), 'evil.keras'),
        'keras',
        new RegExp(
          JSON.stringify(name)
            .slice(1, -1)
            .replace(/[.\\/]/g, '\\$&'),
        ),
        /leaves the archive/,
      );
  });

  it('refuses a zip bomb from its declared sizes, before inflating it', () => {
    // 4 MB of zeros deflate to a few KB: more than 100× (and would inflate, but is never asked to).
    const zeros = new Uint8Array(4 << 20);
    const bomb = zipSync({ 'config.json': config, 'model.weights.h5': [zeros, { level: 9 }] });
    assert.ok(deflateSync(zeros, { level: 9 }).length * 100 < zeros.length);
    refused(() => readKeras(bomb, 'bomb.keras'), 'keras', /model\.weights\.h5/, /zip bomb/);
    // A declared size far above the real one: 3 GB for a config of a few bytes.
    const liar = declareSize(zipSync({ 'config.json': config }, { level: 0 }), 3 * 2 ** 30);
    refused(
      () => readKerasEntries(liar, 'liar.keras', ['config.json']),
      'keras',
      /config\.json/,
      /declares 3221225472 bytes/,
    );
  });

  describe('HDF5', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'keras-hostile-'));
      // A Dense(4) model in Keras 2's layout, with a hostile weights group for each file.
      execFileSync('/usr/bin/python3', [
        '-c',
        `import h5py, json, numpy as np, sys
d = sys.argv[1]
config = json.dumps({'class_name': 'Sequential', 'config': {'name': 's', 'layers': [
  {'class_name': 'Dense', 'config': {'name': 'dense_1', 'units': 4, 'batch_input_shape': [None, 3]}}]}})
def model(name, kernel):
  f = h5py.File(d + '/' + name, 'w')
  f.attrs['model_config'] = config.encode()
  w = f.create_group('model_weights')
  w.attrs['layer_names'] = [b'dense_1']
  g = w.create_group('dense_1')
  g.attrs['weight_names'] = [b'dense_1/kernel:0', b'dense_1/bias:0']
  kernel(g)
  g.create_dataset('dense_1/bias:0', data=np.arange(4, dtype='f4'))
  return f
model('huge.h5', lambda g: g.create_dataset('dense_1/kernel:0', shape=(2**33,), dtype='f4')).close()
model('square.h5', lambda g: g.create_dataset('dense_1/kernel:0', shape=(70000, 70000), dtype='f4')).close()
f = model('cycle.h5', lambda g: g.create_dataset('dense_1/kernel:0', data=np.ones((3, 4), 'f4')))
f['model_weights/dense_1/dense_1/back'] = f['/']
f['model_weights/loop'] = f['model_weights']
f.close()
`,
        dir,
      ]);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    const open = (name: string) => {
      const source = nodeModelSource(join(dir, name));
      return { source, graph: openModel(source) };
    };

    for (const [name, shape] of [
      ['huge.h5', /declared shape|declares|holds 0 values/],
      ['square.h5', /declares 19600000000 bytes/],
    ] as const) {
      it(`${name}: a huge declared dimension is refused where it is declared, nothing allocated`, () => {
        const { source, graph } = open(name);
        assert.equal(graph.layers.find((l) => l.name === 'dense_1')?.params, 16);
        const before = process.memoryUsage().arrayBuffers;
        refused(
          () => layersWeights(graph, source),
          'keras-h5',
          /model_weights\/dense_1\/dense_1\/kernel:0/,
          shape,
        );
        // Far below the 32 GB or 19.6 GB the shapes declare.
        assert.ok(process.memoryUsage().arrayBuffers - before < 64 << 20);
      });
    }

    it('cycle.h5: hard links back to the root do not loop; only the paths the config names are read', () => {
      const { source, graph } = open('cycle.h5');
      const { manifest } = layersWeights(graph, source);
      assert.deepEqual(
        manifest.flatMap((g) => g.weights.map((w) => [w.name, w.shape])),
        [
          ['dense_1/kernel', [3, 4]],
          ['dense_1/bias', [4]],
        ],
      );
    });

    it('a damaged attribute dimension (3·10⁹ weight names) is refused, not read into memory', () => {
      const bytes = new Uint8Array(readFileSync(join(KERAS, 'reuters_mlp_selu.h5')));
      // A weight_names attribute of 2 names: its rank-1 dataspace (version 1) follows the name and the
      // datatype; the top byte of its dimension is set, as a byte flip of the fuzzer did.
      const file = Buffer.from(bytes);
      const dataspace = Buffer.from([1, 1, 1, 0, 0, 0, 0, 0, 2, 0, 0, 0]);
      let space = -1;
      for (
        let at = file.indexOf('weight_names\0');
        at >= 0 && space < 0;
        at = file.indexOf('weight_names\0', at + 1)
      ) {
        const found = file.indexOf(dataspace, at);
        if (found > at && found - at < 64) space = found;
      }
      assert.ok(space > 0);
      bytes[space + 11] = 0xc1;
      const source = { path: 'damaged.h5', bytes };
      const graph = openModel(source);
      refused(
        () => layersWeights(graph, source),
        'keras-h5',
        /model_weights\/dense_\d/,
        /declares 3238002690 values/,
      );
    });

    it('an .h5 cut short: the config is refused naming the root, the weights naming their dataset', () => {
      const bytes = new Uint8Array(readFileSync(join(KERAS, 'nested_wrappers.h5')));
      refused(
        () => openModel({ path: 'cut.h5', bytes: bytes.subarray(0, 1200) }),
        'keras-h5',
        /"node":"\/"/,
        /cut\.h5: HDF5 "\/"/,
      );
      // Cut inside the last weights: the model opens, its weights do not.
      const cut = { path: 'cut.h5', bytes: bytes.subarray(0, bytes.length - 600) };
      const graph = openModel(cut);
      refused(() => layersWeights(graph, cut), 'keras-h5', /model_weights/, /cut\.h5: HDF5 "\/model_weights/);
    });
  });
});
