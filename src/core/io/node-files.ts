// Reading local files under the size limit: the size is taken by stat before a single byte is read.
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { checkFileSize, type SizeLimit } from './size-limit';

export function readFileWithin(path: string, limit: SizeLimit): Buffer {
  checkFileSize(path, statSync(path).size, limit);
  return readFileSync(path);
}

export async function readFileWithinAsync(path: string, limit: SizeLimit): Promise<Buffer> {
  checkFileSize(path, (await stat(path)).size, limit);
  return readFile(path);
}

/**
 * Reads files one after another into one buffer, grown only for a larger file. Linting a folder of big
 * models then holds one model's bytes: with a fresh buffer per file, the previous file's stays alive until
 * the garbage collector counts its external memory, and two 500 MB models were in memory at once. What is
 * read must not be used after the next read (lint results are plain data).
 */
export class ReusedReadBuffer {
  private buffer = Buffer.alloc(0);

  /**
   * Sizes the buffer for the largest of `paths` under the limit before the first read: grown later, the
   * smaller buffer would still be alive beside the new one. Files that cannot be stat'ed are left to read().
   */
  constructor(paths: string[] = [], limit?: SizeLimit) {
    let largest = 0;
    for (const path of paths) {
      try {
        const size = statSync(path).size;
        if (!limit || size <= limit.bytes) largest = Math.max(largest, size);
      } catch {
        // read() reports it for its file
      }
    }
    this.grow(largest);
  }

  read(path: string, limit: SizeLimit): Buffer {
    const size = statSync(path).size;
    checkFileSize(path, size, limit);
    this.grow(size);
    const fd = openSync(path, 'r');
    try {
      let read = 0;
      for (let n = -1; read < size && n !== 0; read += n)
        n = readSync(fd, this.buffer, read, size - read, read);
      return this.buffer.subarray(0, read);
    } finally {
      closeSync(fd);
    }
  }

  private grow(size: number): void {
    if (this.buffer.length >= size) return;
    this.buffer = Buffer.alloc(0); // the old buffer is garbage before the new one is allocated
    // Whole MiB, so files of about the same size do not each grow it.
    this.buffer = Buffer.allocUnsafe(Math.ceil(size / 2 ** 20) * 2 ** 20);
  }
}

/** The first `bytes` bytes of a file (fewer when it is shorter), without reading the rest. */
export async function readHead(path: string, bytes: number): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    return buffer.subarray(0, (await file.read(buffer, 0, bytes, 0)).bytesRead);
  } finally {
    await file.close();
  }
}
