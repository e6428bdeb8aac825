// Bytes read at offsets, so an array of gigabytes is read a batch of rows at a time: a file (fs reads at
// a position), or an entry of a zip (arrays/npz.ts).
import { open, type FileHandle } from 'node:fs/promises';

export interface ByteSource {
  /** Used in messages: the file, or `file.npz:entry`. */
  name: string;
  size: number;
  /** Exactly `length` bytes from `offset`; throws when the source ends first. */
  read(offset: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

export async function fileByteSource(path: string, name = path): Promise<ByteSource> {
  const handle: FileHandle = await open(path, 'r');
  const size = (await handle.stat()).size;
  return {
    name,
    size,
    async read(offset, length) {
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(out, done, length - done, offset + done);
        if (bytesRead === 0)
          throw new Error(`${name} ends at byte ${offset + done}, ${length - done} bytes early`);
        done += bytesRead;
      }
      return out;
    },
    close: () => handle.close(),
  };
}
