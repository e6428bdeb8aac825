// Reading local files under the size limit: the size is taken by stat before a single byte is read.
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { checkFileSize, type SizeLimit } from './size-limit';

export function readFileWithin(path: string, limit: SizeLimit): Buffer {
  checkFileSize(path, statSync(path).size, limit);
  return readFileSync(path);
}

export async function readFileWithinAsync(path: string, limit: SizeLimit): Promise<Buffer> {
  checkFileSize(path, (await stat(path)).size, limit);
  return readFile(path);
}

/** The first `bytes` bytes of a file (fewer when it is shorter), without reading the rest. */
export function readHead(path: string, bytes: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    return buffer.subarray(0, readSync(fd, buffer, 0, bytes, 0));
  } finally {
    closeSync(fd);
  }
}
