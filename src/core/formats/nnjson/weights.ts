// The `.nn.json` weights sidecar (docs/weights-format.md): "DLW1", a little-endian uint32 header length,
// a UTF-8 JSON header naming each tensor's shape and offset, zero padding to 4 bytes, then the float32
// little-endian values of every tensor, one after another in the order the header lists them.
export const WEIGHTS_MAGIC = 'DLW1';

export interface WeightsTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface WeightsFile {
  tensors: WeightsTensor[];
  /** Feature standardisation the network was trained with (inputs must get the same). */
  standardization?: { mean: number[]; std: number[] };
}

interface Header {
  format: 'dropout-lens/weights';
  version: 1;
  tensors: { name: string; shape: number[]; offset: number; length: number }[];
  standardization?: { mean: number[]; std: number[] };
}

export class WeightsFormatError extends Error {
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
  }
}

const align4 = (n: number) => (n + 3) & ~3;

export function encodeWeights(file: WeightsFile): Uint8Array {
  let offset = 0;
  const tensors = file.tensors.map((t) => {
    const entry = { name: t.name, shape: t.shape, offset, length: t.data.length };
    offset += t.data.length;
    return entry;
  });
  const header: Header = { format: 'dropout-lens/weights', version: 1, tensors };
  if (file.standardization) header.standardization = file.standardization;
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = align4(8 + json.length);
  const bytes = new Uint8Array(start + 4 * offset);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(WEIGHTS_MAGIC), 0);
  view.setUint32(4, json.length, true);
  bytes.set(json, 8);
  for (const [i, t] of file.tensors.entries()) {
    const at = start + 4 * (tensors[i] as Header['tensors'][number]).offset;
    for (let j = 0; j < t.data.length; j++) view.setFloat32(at + 4 * j, t.data[j] as number, true);
  }
  return bytes;
}

export function decodeWeights(bytes: Uint8Array, name = 'weights'): WeightsFile {
  const fail = (message: string): never => {
    throw new WeightsFormatError(name, message);
  };
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== WEIGHTS_MAGIC)
    fail(`not a Dropout Lens weights file (it must start with "${WEIGHTS_MAGIC}")`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(4, true);
  if (8 + length > bytes.length) fail(`the header claims ${length} bytes, the file has ${bytes.length - 8}`);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as Header;
  } catch (e) {
    return fail(`the header is not JSON (${(e as Error).message})`);
  }
  if (
    typeof header !== 'object' ||
    header === null ||
    header.format !== 'dropout-lens/weights' ||
    header.version !== 1 ||
    !Array.isArray(header.tensors)
  )
    fail('the header is not a version 1 dropout-lens/weights header');
  const start = align4(8 + length);
  const floats = (bytes.length - start) / 4;
  const tensors = header.tensors.map((t: unknown, i) => {
    if (!isEntry(t))
      return fail(`header tensors[${i}] needs a "name", a "shape" of sizes, an "offset" and a "length"`);
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (!Number.isInteger(t.offset) || !Number.isInteger(t.length))
      fail(`tensor "${t.name}": "offset" and "length" must be whole numbers`);
    if (size !== t.length) fail(`tensor "${t.name}": shape [${t.shape}] does not hold ${t.length} values`);
    if (t.offset < 0 || t.offset + t.length > floats)
      fail(`tensor "${t.name}" reaches past the end of the file (${floats} values)`);
    const data = new Float32Array(t.length);
    const at = start + 4 * t.offset;
    for (let j = 0; j < t.length; j++) data[j] = view.getFloat32(at + 4 * j, true);
    return { name: t.name, shape: t.shape, data };
  });
  const standardization = header.standardization;
  if (standardization !== undefined && !isStandardization(standardization))
    fail('header "standardization" must hold "mean" and "std" lists of numbers');
  return { tensors, ...(standardization ? { standardization } : {}) };
}

const isNumbers = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');

function isEntry(t: unknown): t is Header['tensors'][number] {
  if (typeof t !== 'object' || t === null) return false;
  const { name, shape } = t as Record<string, unknown>;
  return typeof name === 'string' && isNumbers(shape) && shape.every((d) => Number.isInteger(d) && d >= 0);
}

function isStandardization(s: unknown): s is NonNullable<Header['standardization']> {
  return (
    typeof s === 'object' &&
    s !== null &&
    isNumbers((s as Header['standardization'])?.mean) &&
    isNumbers((s as Header['standardization'])?.std)
  );
}

/** Tensors by name, as `Network.importWeights` takes them. */
export function weightsByName(file: WeightsFile): Record<string, Float32Array> {
  return Object.fromEntries(file.tensors.map((t) => [t.name, t.data]));
}
