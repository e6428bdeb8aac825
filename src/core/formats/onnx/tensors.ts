// ONNX TensorProto contents: element types, small constant values read while parsing (a Dropout ratio,
// a Reshape target shape), and whole tensors read on demand, including external data beside the model.
// Parsing never touches weight bytes; they stay views into the file buffer until someone asks for them.
import type { onnx } from 'onnx-proto';
import { ModelFormatError, type ModelSource } from '../reader';

/** protobufjs gives int64 fields as numbers or as `Long` objects, depending on whether `long` loads. */
export type Int64 = number | { toNumber(): number } | null | undefined;

export function int64(value: Int64): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}

/** TensorProto.DataType → a dtype name and the byte size of one element in raw_data. */
const DATA_TYPES: Record<number, [string, number]> = {
  1: ['float32', 4],
  2: ['uint8', 1],
  3: ['int8', 1],
  4: ['uint16', 2],
  5: ['int16', 2],
  6: ['int32', 4],
  7: ['int64', 8],
  8: ['string', 0],
  9: ['bool', 1],
  10: ['float16', 2],
  11: ['float64', 8],
  12: ['uint32', 4],
  13: ['uint64', 8],
  14: ['complex64', 8],
  15: ['complex128', 16],
  16: ['bfloat16', 2],
};

export function dtypeName(dataType: number | null | undefined): string {
  return DATA_TYPES[dataType ?? 0]?.[0] ?? `dtype(${dataType ?? 0})`;
}

export function tensorDims(tensor: onnx.ITensorProto): number[] {
  return (tensor.dims ?? []).map(int64);
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((n, d) => n * d, 1);
}

export function isExternal(tensor: onnx.ITensorProto): boolean {
  return tensor.dataLocation === 1;
}

/** Constants bigger than this are not expanded while parsing (shapes and ratios are tiny). */
const SMALL = 4096;

/**
 * The values of a small tensor stored inside the file, as numbers (bool as 0/1, int64 via Number), or
 * undefined when it is external, large, a string tensor or malformed.
 */
export function smallTensorValues(tensor: onnx.ITensorProto): number[] | undefined {
  const count = elementCount(tensorDims(tensor));
  if (isExternal(tensor) || !(count <= SMALL)) return undefined;
  const type = tensor.dataType ?? 0;
  const raw = tensor.rawData;
  if (raw && raw.length > 0) {
    const size = DATA_TYPES[type]?.[1] ?? 0;
    if (size === 0 || raw.length !== count * size) return undefined;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    return Array.from({ length: count }, (_, i) => readRaw(view, type, i * size));
  }
  const values = storedValues(tensor, type);
  return values && values.length === count ? values : undefined;
}

/** Values held in the typed repeated fields (the alternative to raw_data). */
function storedValues(tensor: onnx.ITensorProto, type: number): number[] | undefined {
  switch (type) {
    case 1:
      return tensor.floatData ?? undefined;
    case 11:
      return tensor.doubleData ?? undefined;
    case 7:
      return tensor.int64Data?.map(int64);
    case 12:
    case 13:
      return tensor.uint64Data?.map(int64);
    case 10:
      return tensor.int32Data?.map(halfToFloat);
    case 16:
      return tensor.int32Data?.map(bfloat16ToFloat);
    case 2:
    case 3:
    case 4:
    case 5:
    case 6:
    case 9:
      return tensor.int32Data ?? undefined;
    default:
      return undefined;
  }
}

function readRaw(view: DataView, type: number, at: number): number {
  switch (type) {
    case 1:
      return view.getFloat32(at, true);
    case 2:
    case 9:
      return view.getUint8(at);
    case 3:
      return view.getInt8(at);
    case 4:
      return view.getUint16(at, true);
    case 5:
      return view.getInt16(at, true);
    case 6:
      return view.getInt32(at, true);
    case 7:
      return Number(view.getBigInt64(at, true));
    case 10:
      return halfToFloat(view.getUint16(at, true));
    case 11:
      return view.getFloat64(at, true);
    case 12:
      return view.getUint32(at, true);
    case 13:
      return Number(view.getBigUint64(at, true));
    case 16:
      return bfloat16ToFloat(view.getUint16(at, true));
    default:
      return NaN;
  }
}

function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function bfloat16ToFloat(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, (bits & 0xffff) << 16);
  return view.getFloat32(0);
}

/**
 * ONNX stores float attributes as float32: 0.2 arrives as 0.20000000298…. The shortest decimal that is
 * the same float32 gives back the number the author wrote.
 */
export function shortestFloat32(value: number): number {
  if (!Number.isFinite(value) || Number.isInteger(value)) return value;
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === Math.fround(value)) return candidate;
  }
  return value;
}

export type TensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

export interface LoadedTensor {
  name: string;
  dtype: string;
  dims: number[];
  /** float16 and bfloat16 are widened to Float32Array; bool is Uint8Array. */
  data: TensorData;
}

type TypedCtor = { new (b: ArrayBuffer, o: number, n: number): TensorData; BYTES_PER_ELEMENT: number };
const CTORS: Record<number, TypedCtor> = {
  1: Float32Array,
  2: Uint8Array,
  3: Int8Array,
  4: Uint16Array,
  5: Int16Array,
  6: Int32Array,
  7: BigInt64Array,
  9: Uint8Array,
  11: Float64Array,
  12: Uint32Array,
  13: BigUint64Array,
};

/**
 * Weight access for one opened model: tensors are decoded only when asked for, and external data files
 * are read through the source's `readSibling` (which refuses paths leaving the model's folder).
 */
export class OnnxWeights {
  private readonly files = new Map<string, Promise<Uint8Array>>();

  constructor(
    private readonly source: ModelSource,
    /** Initializers and Constant node values by tensor name. */
    private readonly lookup: (name: string) => onnx.ITensorProto | undefined,
    /** The initializers' names. */
    readonly names: readonly string[],
  ) {}

  async load(name: string): Promise<LoadedTensor> {
    const tensor = this.lookup(name);
    if (!tensor) throw new ModelFormatError('onnx', `${this.source.path}: no tensor named "${name}"`);
    const dims = tensorDims(tensor);
    const type = tensor.dataType ?? 0;
    const fail = (why: string): never => {
      throw new ModelFormatError('onnx', `${this.source.path}: tensor "${name}": ${why}`, { node: name });
    };
    if (!(type in CTORS) && type !== 10 && type !== 16) fail(`${dtypeName(type)} tensors cannot be loaded`);
    const count = elementCount(dims);
    const raw = isExternal(tensor) ? await this.external(tensor, fail) : tensor.rawData;
    let data: TensorData;
    if (raw && raw.length > 0) {
      const size = (DATA_TYPES[type] as [string, number])[1];
      if (raw.length !== count * size) fail(`holds ${raw.length} bytes, ${count} × ${size} expected`);
      data = fromRaw(raw as Uint8Array, type, count);
    } else {
      const values = storedValues(tensor, type) ?? [];
      if (values.length !== count) fail(`holds ${values.length} values, ${count} expected`);
      data = fromNumbers(values, type);
    }
    return { name, dtype: dtypeName(type), dims, data };
  }

  private async external(tensor: onnx.ITensorProto, fail: (why: string) => never): Promise<Uint8Array> {
    const entries = new Map((tensor.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
    const location = entries.get('location');
    if (!location) return fail('external data without a location');
    if (!this.source.readSibling) return fail(`external data "${location}" cannot be read here`);
    const readSibling = this.source.readSibling;
    let file = this.files.get(location);
    if (!file) {
      file = readSibling(location);
      this.files.set(location, file);
    }
    let bytes: Uint8Array;
    try {
      bytes = await file;
    } catch (e) {
      return fail(`external data "${location}": ${(e as Error).message}`);
    }
    const offset = Number(entries.get('offset') ?? 0);
    const length = entries.has('length') ? Number(entries.get('length')) : bytes.length - offset;
    if (!(offset >= 0 && length >= 0 && offset + length <= bytes.length)) {
      fail(
        `external data "${location}": bytes ${offset}..${offset + length} lie outside its ${bytes.length} bytes`,
      );
    }
    return bytes.subarray(offset, offset + length);
  }
}

/** A typed array over raw little-endian bytes: a view when aligned, else one copy (on demand only). */
function fromRaw(raw: Uint8Array, type: number, count: number): TensorData {
  if (type === 10 || type === 16) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const widen = type === 10 ? halfToFloat : bfloat16ToFloat;
    return Float32Array.from({ length: count }, (_, i) => widen(view.getUint16(i * 2, true)));
  }
  const Ctor = CTORS[type] as TypedCtor;
  // Uint8Array's slice copies; a Buffer's would not, hence the explicit prototype.
  const aligned = raw.byteOffset % Ctor.BYTES_PER_ELEMENT === 0 ? raw : Uint8Array.prototype.slice.call(raw);
  return new Ctor(aligned.buffer as ArrayBuffer, aligned.byteOffset, count);
}

function fromNumbers(values: number[], type: number): TensorData {
  if (type === 10 || type === 16) return Float32Array.from(values);
  if (type === 7) return BigInt64Array.from(values, (v) => BigInt(v));
  if (type === 13) return BigUint64Array.from(values, (v) => BigInt(v));
  const Ctor = CTORS[type] as unknown as { from(v: number[]): TensorData };
  return Ctor.from(values);
}
