// The command line's file size limit: files over it are refused unread, naming the option that raises it.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './run-cli';

describe('dropout-lens --max-file-size-mb', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'cli-limit-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a model over the limit in lint and inspect, and reads it under a higher one', async () => {
    // A 3 MB .nn.json: the sample followed by spaces (still valid JSON).
    const file = join(dir, 'big.nn.json');
    const sample = readFileSync('samples/digits-mlp.nn.json');
    writeFileSync(file, Buffer.concat([sample, Buffer.alloc(3 * 2 ** 20 - sample.length, 0x20)]));
    const lint = await run('lint', file, '--max-file-size-mb', '2', '--format', 'json');
    assert.equal(lint.code, 2);
    const inspect = await run('inspect', file, '--max-file-size-mb', '2');
    assert.equal(inspect.code, 2);
    assert.match(
      inspect.err,
      /big\.nn\.json is 3 MB \(3145728 bytes\), more than the 2 MB limit set by --max-file-size-mb/,
    );
    const bigger = await run('inspect', file, '--max-file-size-mb', '4');
    assert.equal(bigger.code, 0, bigger.err);
    assert.match(bigger.out, /digits-mlp/);
  });

  it('refuses --weights and CSV data over the limit in mc and train', async () => {
    const weights = join(dir, 'w.bin');
    writeFileSync(weights, Buffer.alloc(2 * 2 ** 20));
    const mc = await run('mc', 'samples/moons-mc.nn.json', '--weights', weights, '--max-file-size-mb', '1');
    assert.equal(mc.code, 2);
    assert.match(mc.err, /w\.bin is 2 MB .*limit set by --max-file-size-mb/);
    const csv = join(dir, 'data.csv');
    writeFileSync(csv, Buffer.alloc(2 * 2 ** 20, 0x31));
    const train = await run('train', 'samples/moons-mc.nn.json', '--data', csv, '--max-file-size-mb', '1');
    assert.equal(train.code, 2);
    assert.match(train.err, /data\.csv is 2 MB .*limit set by --max-file-size-mb/);
  });

  it('takes only a positive number', async () => {
    for (const value of ['0', '-1', 'lots', 'NaN']) {
      const r = await run('inspect', 'samples/digits-mlp.nn.json', `--max-file-size-mb=${value}`);
      assert.equal(r.code, 2, value);
      assert.match(r.err, /--max-file-size-mb must be a positive number of megabytes/);
    }
  });
});
