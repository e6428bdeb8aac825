// NumPy's .npy format, versions 1.0, 2.0 and 3.0 (numpy.lib.format, NEP 1): the magic "\x93NUMPY", a
// version, a little-endian header length (2 bytes in 1.0, 4 in 2.0/3.0), a Python dict literal
// {'descr': '<f4', 'fortran_order': False, 'shape': (N, …)} (latin-1, utf-8 in 3.0), then the raw data.
// The header is read alone; rows are read and converted to float32 a range at a time.
import { DataError } from '../dataset';
import type { ByteSource } from './byte-source';

export interface NpyHeader {
  /** The dtype as stored, e.g. "<f4". */
  descr: string;
  kind: 'b' | 'i' | 'u' | 'f';
  itemSize: number;
  littleEndian: boolean;
  fortranOrder: boolean;
  shape: number[];
  /** Where the data start. */
  dataOffset: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** numpy writes headers of a few hundred bytes; a larger one is not a real array file. */
const MAX_HEADER = 65_536;

const SIZES: Record<string, number[]> = { b: [1], i: [1, 2, 4, 8], u: [1, 2, 4, 8], f: [2, 4, 8] };

/** Parses the header at the start of `source`; errors name the source and what is wrong. */
export async function readNpyHeader(source: ByteSource): Promise<NpyHeader> {
  const bad = (why: string) => new DataError(`${source.name}: not a readable .npy array (${why})`);
  if (source.size < 10) throw bad(`${source.size} bytes, shorter than the 10-byte preamble`);
  const pre = await source.read(0, Math.min(12, source.size));
  if (!MAGIC.every((b, i) => pre[i] === b)) throw bad('it does not start with \\x93NUMPY');
  const major = pre[6] as number;
  if (major < 1 || major > 3)
    throw bad(`format version ${major}.${pre[7]}; versions 1.0, 2.0 and 3.0 are read`);
  const view = new DataView(pre.buffer, pre.byteOffset, pre.byteLength);
  if (major > 1 && pre.length < 12) throw bad('the header length is cut off');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (headerLength > MAX_HEADER) throw bad(`a header of ${headerLength} bytes (numpy writes a few hundred)`);
  if (start + headerLength > source.size)
    throw bad(`the header runs to byte ${start + headerLength}, past the end of the file at ${source.size}`);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    await source.read(start, headerLength),
  );
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(text)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined) {
    if (/['"]descr['"]\s*:\s*\[/.test(text)) throw bad('a structured dtype; save a plain numeric array');
    throw bad(`no 'descr' in the header ${JSON.stringify(text.trim())}`);
  }
  if (fortran === undefined || shapeText === undefined)
    throw bad(`no 'fortran_order' or 'shape' in the header ${JSON.stringify(text.trim())}`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => (/^\d+L?$/.test(s) ? Number.parseInt(s, 10) : NaN));
  if (shape.some((d) => !Number.isSafeInteger(d)))
    throw bad(`the shape (${shapeText}) is not whole non-negative numbers`);
  const m = /^([<>|=])([biuf])(\d+)$/.exec(descr);
  const kind = m?.[2] as NpyHeader['kind'] | undefined;
  const itemSize = Number(m?.[3]);
  if (!m || kind === undefined || !SIZES[kind]?.includes(itemSize))
    throw bad(`dtype "${descr}"; bool, int8-64, uint8-64 and float16/32/64 are read`);
  const header: NpyHeader = {
    descr,
    kind,
    itemSize,
    littleEndian: m[1] !== '>',
    fortranOrder: fortran === 'True',
    shape,
    dataOffset: start + headerLength,
  };
  const bytes = shape.reduce((a, b) => a * b, 1) * itemSize;
  if (header.dataOffset + bytes > source.size)
    throw bad(
      `shape (${shape.join(', ')}) of ${descr} needs ${bytes} bytes of data, the file has ${source.size - header.dataOffset}`,
    );
  return header;
}

const KIND_NAMES = { b: 'bool', i: 'int', u: 'uint', f: 'float' } as const;

/** The dtype's NumPy name ("int64", "float32", "bool"), as an ONNX or tfjs input declares its type. */
export const npyDtype = (h: NpyHeader): string =>
  h.kind === 'b' ? 'bool' : `${KIND_NAMES[h.kind]}${8 * h.itemSize}`;

/** Converts `count` items of `bytes` (in the header's dtype) to float32 into `out` from `offset`. */
export function toFloat32(
  h: NpyHeader,
  bytes: Uint8Array,
  count: number,
  out: Float32Array,
  offset = 0,
): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = h.littleEndian;
  const size = h.itemSize;
  const get = reader(h, view, le);
  for (let i = 0; i < count; i++) out[offset + i] = get(i * size);
}

function reader(h: NpyHeader, view: DataView, le: boolean): (at: number) => number {
  switch (`${h.kind}${h.itemSize}`) {
    case 'b1':
      return (at) => (view.getUint8(at) !== 0 ? 1 : 0);
    case 'i1':
      return (at) => view.getInt8(at);
    case 'u1':
      return (at) => view.getUint8(at);
    case 'i2':
      return (at) => view.getInt16(at, le);
    case 'u2':
      return (at) => view.getUint16(at, le);
    case 'i4':
      return (at) => view.getInt32(at, le);
    case 'u4':
      return (at) => view.getUint32(at, le);
    case 'i8':
      return (at) => Number(view.getBigInt64(at, le));
    case 'u8':
      return (at) => Number(view.getBigUint64(at, le));
    case 'f2':
      return (at) => float16(view.getUint16(at, le));
    case 'f4':
      return (at) => view.getFloat32(at, le);
    default:
      return (at) => view.getFloat64(at, le);
  }
}

/** IEEE 754 half precision to a number. */
function float16(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
