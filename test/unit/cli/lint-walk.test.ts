// `dropout-lens lint <folder>` walks for model file names, and some of those names are shared with other
// data: an HDF5 data set (written here by h5py) or an app's model.json. Found in a folder, such a file is
// left out (no error, exit code unchanged); named on the command line, it is an error (exit 2).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonFileReport } from '../../../src/cli/lint-report';
import { run } from './run-cli';

describe('dropout-lens lint on a folder with other JSON and HDF5 files', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lint-walk-'));
    copyFileSync('test/fixtures/keras/mnist_cnn.h5', join(dir, 'mnist_cnn.h5'));
    const h5py = spawnSync(
      '/usr/bin/python3',
      [
        '-c',
        'import h5py, sys; h5py.File(sys.argv[1], "w").create_dataset("x", data=[1.0, 2.0])',
        join(dir, 'data.h5'),
      ],
      { encoding: 'utf8' },
    );
    assert.equal(h5py.status, 0, h5py.stderr);
    writeFileSync(join(dir, 'model.json'), '{ "name": "an app\'s model.json" }');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('walked: reports the Keras model only, with exit code 0 (its finding is an info)', async () => {
    const { code, out } = await run('lint', dir, '--format', 'json');
    const reports = JSON.parse(out) as JsonFileReport[];
    assert.deepEqual(
      reports.map((r) => [r.file, r.format, r.error]),
      [[join(dir, 'mnist_cnn.h5'), 'keras-h5', undefined]],
    );
    assert.equal(code, 0);
  });

  it('named: an HDF5 file that is not a Keras model is an error, exit code 2', async () => {
    const { code, out } = await run('lint', join(dir, 'data.h5'), '--format', 'json');
    const [report] = JSON.parse(out) as JsonFileReport[];
    assert.match(report?.error ?? '', /data\.h5: not a model file Dropout Lens can read/);
    assert.equal(code, 2);
  });
});
