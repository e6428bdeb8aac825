// NumPy's .npz: a zip of .npy arrays (numpy.savez stores them, numpy.savez_compressed deflates them),
// read with yauzl (maintained, reads the zip's central directory and single entries from the file, ZIP64,
// validates sizes and CRCs) so an entry is never read whole. A stored entry is read at offsets like a
// .npy file; a deflated one is inflated front to back, which suits batches read in order.
import type { Readable } from 'node:stream';
import { openPromise, type Entry, type ZipFile } from 'yauzl';
import { DataError } from '../dataset';
import type { ByteSource } from './byte-source';

/** The arrays of an .npz: names without ".npy". */
export async function npzKeys(path: string): Promise<string[]> {
  const zip = await openZip(path);
  try {
    return [...(await entries(zip, path)).keys()];
  } finally {
    zip.close();
  }
}

async function openZip(path: string): Promise<ZipFile> {
  try {
    return await openPromise(path, { lazyEntries: true, autoClose: false, strictFileNames: false });
  } catch (e) {
    throw new DataError(`${path}: not a readable .npz (zip) file (${(e as Error).message})`);
  }
}

async function entries(zip: ZipFile, path: string): Promise<Map<string, Entry>> {
  const found = new Map<string, Entry>();
  try {
    for await (const entry of zip.eachEntry())
      if (entry.fileName.endsWith('.npy')) found.set(entry.fileName.slice(0, -'.npy'.length), entry);
  } catch (e) {
    throw new DataError(`${path}: not a readable .npz (zip) file (${(e as Error).message})`);
  }
  return found;
}

/** The array `key` of the .npz at `path` as bytes read at offsets; closing it closes the zip. */
export async function npzEntrySource(path: string, key: string): Promise<ByteSource> {
  const zip = await openZip(path);
  try {
    const entry = (await entries(zip, path)).get(key);
    if (!entry) throw new DataError(`${path}: no array "${key}"`);
    if (entry.isEncrypted()) throw new DataError(`${path}: the array "${key}" is encrypted`);
    if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8)
      throw new DataError(
        `${path}: the array "${key}" uses zip compression method ${entry.compressionMethod}; numpy writes stored (0) or deflated (8)`,
      );
    const name = `${path}:${key}.npy`;
    const reader =
      entry.compressionMethod === 0
        ? { read: storedReader(zip, entry, name), stop: () => undefined }
        : inflatingReader(zip, entry, name);
    const close = async () => {
      reader.stop();
      zip.close();
    };
    return { name, size: entry.uncompressedSize, read: reader.read, close };
  } catch (e) {
    zip.close();
    throw e;
  }
}

/** Exactly `length` bytes of `stream`; a stream that ends sooner (a file cut or changed since) is refused. */
export async function collect(stream: Readable, length: number, name: string): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let done = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    out.set(chunk.subarray(0, length - done), done);
    done += Math.min(chunk.length, length - done);
  }
  if (done < length) throw new DataError(`${name}: ${done} bytes came where ${length} were expected`);
  return out;
}

function storedReader(zip: ZipFile, entry: Entry, name: string): ByteSource['read'] {
  return async (offset, length) => {
    if (offset + length > entry.uncompressedSize)
      throw new DataError(`${name} ends at byte ${entry.uncompressedSize}, before ${offset + length}`);
    if (length === 0) return new Uint8Array(0);
    return collect(
      await zip.openReadStreamPromise(entry, { start: offset, end: offset + length }),
      length,
      name,
    );
  };
}

/** Reads forward through the inflated entry; a read before the current position starts it again. */
function inflatingReader(
  zip: ZipFile,
  entry: Entry,
  name: string,
): { read: ByteSource['read']; stop: () => void } {
  let stream: Readable | undefined;
  let chunks: AsyncIterator<Buffer> | undefined;
  let pending: Uint8Array = new Uint8Array(0);
  let position = 0; // of pending[0] in the inflated bytes
  const restart = async () => {
    stream?.destroy();
    stream = await zip.openReadStreamPromise(entry);
    chunks = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    pending = new Uint8Array(0);
    position = 0;
  };
  const more = async () => {
    const next = await (chunks as AsyncIterator<Buffer>).next();
    if (next.done)
      throw new DataError(`${name} ends at byte ${position + pending.length}, before the data it declares`);
    position += pending.length;
    pending = next.value;
  };
  const read = async (offset: number, length: number) => {
    if (!chunks || offset < position) await restart();
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const from = offset + done - position;
      if (from >= pending.length) {
        await more();
        continue;
      }
      const take = Math.min(pending.length - from, length - done);
      out.set(pending.subarray(from, from + take), done);
      done += take;
    }
    return out;
  };
  return { read, stop: () => stream?.destroy() };
}
