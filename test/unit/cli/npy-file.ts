// .npy files (NumPy format 1.0) for the tests and the corpus scripts, in any dtype a typed array holds;
// npyBytes also writes the hostile files the reader must refuse (any header text, version or declared
// header length).
import { writeFileSync } from 'node:fs';

type NpyData = Float32Array | Int32Array | BigInt64Array | Uint8Array;

const DESCR = new Map<unknown, string>([
  [Float32Array, '<f4'],
  [Int32Array, '<i4'],
  [BigInt64Array, '<i8'],
  [Uint8Array, '|u1'],
]);

/**
 * A file of `header` (the text after the preamble, as given) and `data` bytes; `declared` is the header
 * length the preamble states (by default the true one).
 */
export function npyBytes(header: string, data: Uint8Array, version = 1, declared?: number): Buffer {
  const text = Buffer.from(header, 'latin1');
  const preamble = Buffer.alloc(version === 1 ? 10 : 12);
  preamble.write('\x93NUMPY', 0, 'latin1');
  preamble[6] = version;
  if (version === 1) preamble.writeUInt16LE(declared ?? text.length, 8);
  else preamble.writeUInt32LE(declared ?? text.length, 8);
  return Buffer.concat([preamble, text, data]);
}

/** Writes `data` (little-endian, C order) shaped `shape` to `path`, as numpy.save does. */
export function writeNpy(path: string, shape: number[], data: NpyData): void {
  const descr = DESCR.get(data.constructor) as string;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  // Padded with spaces so the data start at a multiple of 64 bytes, ending in a newline.
  const header = dict + ' '.repeat((64 - ((10 + dict.length + 1) % 64)) % 64) + '\n';
  writeFileSync(path, npyBytes(header, new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
}
