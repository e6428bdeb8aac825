// Streams hold one batch at a time: a folder of 1,000 images and an array file of 1.5 GB are read batch by
// batch with memory far below what the whole data would take decoded.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, ftruncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDataStream } from '../../../src/core/data/open-stream';

const PYTHON = '/usr/bin/python3';

/** Memory that grows with decoded data: the JS heap and the typed arrays' buffers outside it. */
const inUse = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const MB = 2 ** 20;

describe('streams read a batch at a time', function () {
  this.timeout(120_000);
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'dl-bounds-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('streams a folder of 1,000 images with memory bounded by the batch, not the folder', async () => {
    const make = `
import os, sys
import numpy as np
from PIL import Image
out = sys.argv[1]
y, x = np.mgrid[0:32, 0:32]
for i in range(1000):
    cls = os.path.join(out, 'images', 'even' if i % 2 == 0 else 'odd')
    os.makedirs(cls, exist_ok=True)
    img = np.stack([x * 8, y * 8, np.full_like(x, i % 256)], axis=-1).astype(np.uint8)
    Image.fromarray(img).save(os.path.join(cls, '%04d.png' % i))
`;
    const r = spawnSync(PYTHON, ['-c', make, dir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    // 1,000 samples of 3 × 224 × 224 float32 are 602 MB decoded; a batch of 20 is 12 MB.
    const stream = await openDataStream(join(dir, 'images'), { inputShape: [3, 224, 224] });
    assert.equal(stream.count, 1000);
    const before = inUse();
    let peak = 0;
    let seen = 0;
    let lastBlue = -1;
    for await (const batch of stream.batches(20)) {
      peak = Math.max(peak, inUse() - before);
      seen += batch.n;
      // Even images come first (class "even"): sample 499 is 0998.png, blue 998 % 256 = 230.
      if (batch.start === 480) lastBlue = batch.x[19 * 3 * 224 * 224 + 2 * 224 * 224] as number;
    }
    assert.equal(seen, 1000);
    assert.equal(stream.sampleName(499), 'even/0998.png');
    assert.ok(Math.abs(lastBlue - (230 / 255 - 0.406) / 0.225) < 1e-5, String(lastBlue));
    assert.ok(peak < 200 * MB, `memory grew by ${Math.round(peak / MB)} MB while streaming (602 MB decoded)`);
  });

  it('reads the first batches of a 1.5 GB .npy without reading the file', async () => {
    const rows = 393_216;
    const cols = 1024;
    const header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
    const padded = header.padEnd(117, ' ') + '\n'; // 10 + 118 + 1 = 128 bytes before the data
    const path = join(dir, 'big.npy');
    const fd = openSync(path, 'w');
    const pre = Buffer.alloc(10);
    Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(pre);
    pre.writeUInt16LE(padded.length, 8);
    writeSync(fd, Buffer.concat([pre, Buffer.from(padded, 'latin1')]));
    // A sparse file: its data read as zeros and take no disk.
    ftruncateSync(fd, 128 + rows * cols * 4);
    closeSync(fd);
    const stream = await openDataStream(path, { inputShape: [cols] });
    assert.equal(stream.count, rows);
    const before = process.memoryUsage().rss;
    let batches = 0;
    for await (const batch of stream.batches(64)) {
      assert.equal(batch.x.length, 64 * cols);
      assert.ok(batch.x.every((v) => v === 0));
      if (++batches === 10) break;
    }
    const grew = process.memoryUsage().rss - before;
    assert.ok(grew < 100 * MB, `memory grew by ${Math.round(grew / MB)} MB for 10 batches of 256 KB`);
  });
});
