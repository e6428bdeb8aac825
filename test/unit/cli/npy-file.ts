// .npy files (NumPy format 1.0) for the CLI tests, in any dtype a typed array holds.
import { writeFileSync } from 'node:fs';

const DESCR = new Map<unknown, string>([
  [Float32Array, '<f4'],
  [Int32Array, '<i4'],
  [BigInt64Array, '<i8'],
  [Uint8Array, '|u1'],
]);

/** Writes `data` (little-endian, C order) shaped `shape` to `path`. */
export function writeNpy(
  path: string,
  shape: number[],
  data: Float32Array | Int32Array | BigInt64Array | Uint8Array,
): void {
  const descr = DESCR.get(data.constructor) as string;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const header = dict + ' '.repeat((64 - ((10 + dict.length + 1) % 64)) % 64) + '\n';
  const prefix = Buffer.from([
    0x93,
    ...Buffer.from('NUMPY', 'latin1'),
    1,
    0,
    header.length & 255,
    header.length >> 8,
  ]);
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  writeFileSync(path, Buffer.concat([prefix, Buffer.from(header, 'latin1'), bytes]));
}
