// One buffer for the files of a lint run: each read gives exactly that file's bytes, a buffer sized for the
// largest file up front is never replaced, and a file over the limit is refused before it is read.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReusedReadBuffer } from '../../../src/core/io/node-files';
import { FileTooLargeError } from '../../../src/core/io/size-limit';

describe('ReusedReadBuffer', () => {
  let dir: string;
  const limit = { bytes: 3 << 20, setting: '--max-file-size-mb' };
  const file = (name: string, size: number, fill: number) => {
    const path = join(dir, name);
    writeFileSync(path, Buffer.alloc(size, fill));
    return path;
  };

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'read-buffer-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads each file whole, a smaller one after a larger one included', () => {
    const big = file('big.onnx', 1.5 * 2 ** 20 + 3, 7);
    const small = file('small.onnx', 10, 9);
    const reader = new ReusedReadBuffer();
    assert.deepEqual(reader.read(big, limit), Buffer.alloc(1.5 * 2 ** 20 + 3, 7));
    assert.deepEqual(reader.read(small, limit), Buffer.alloc(10, 9));
    assert.deepEqual(reader.read(big, limit), Buffer.alloc(1.5 * 2 ** 20 + 3, 7));
  });

  it('sized for the largest file of the run, keeps one buffer for all of them', () => {
    const paths = [file('a.onnx', 1000, 1), file('b.onnx', 2 ** 21, 2), file('c.onnx', 5000, 3)];
    const reader = new ReusedReadBuffer(paths, limit);
    const memory = new Set(paths.map((p) => reader.read(p, limit).buffer));
    assert.equal(memory.size, 1);
  });

  it('refuses a file over the limit unread, and does not size the buffer for it', () => {
    const huge = file('huge.onnx', 4 << 20, 0);
    const reader = new ReusedReadBuffer([huge], limit);
    assert.throws(() => reader.read(huge, limit), FileTooLargeError);
    const small = file('small.onnx', 4, 5);
    assert.ok(reader.read(small, limit).buffer.byteLength < 4 << 20);
  });
});
