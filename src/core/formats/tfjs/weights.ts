// TensorFlow.js weights: the `weightsManifest` of a model.json (groups of shard files holding weights
// back to back) and a loader that reads the shards beside the model, joins each group's shards and cuts
// out named tensors, dequantizing uint8/uint16 (value = q * scale + min) and float16 as tfjs does.
import type { Node } from 'jsonc-parser';
import type { ModelFormat, SourceRange } from '../../model/ir';
import { properties, propertyNode, rangeOf } from '../json-text';
import { ModelFormatError, type ModelSource } from '../reader';

export type WeightDtype = 'float32' | 'int32' | 'bool';
export type QuantizedDtype = 'uint8' | 'uint16' | 'float16';

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: WeightDtype;
  quantization?: { dtype: QuantizedDtype; scale?: number; min?: number };
  range: SourceRange;
}

export interface WeightsGroup {
  paths: { path: string; range: SourceRange }[];
  weights: WeightSpec[];
}

export type WeightTensor = { name: string; shape: number[]; values: Float32Array | Int32Array };

const STORED_BYTES: Record<WeightDtype | QuantizedDtype, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/** Parses a `weightsManifest` node; a model without one has no groups. */
export function readWeightsManifest(
  node: Node | undefined,
  format: ModelFormat,
  path: string,
): WeightsGroup[] {
  function fail(message: string, at: Node): never {
    throw new ModelFormatError(format, `${path}: weightsManifest ${message}`, rangeOf(at));
  }
  if (node === undefined) return [];
  if (node.type !== 'array') fail('must be a list of { paths, weights } groups', node);
  return (node.children ?? []).map((group, g) => {
    const paths = propertyNode(group, 'paths');
    const weights = propertyNode(group, 'weights');
    if (paths?.type !== 'array' || !(paths.children ?? []).every((p) => typeof p.value === 'string'))
      fail(`[${g}].paths must be a list of file names`, paths ?? group);
    if (weights?.type !== 'array') fail(`[${g}].weights must be a list of weights`, weights ?? group);
    return {
      paths: (paths.children ?? []).map((p) => ({ path: p.value as string, range: rangeOf(p) })),
      weights: (weights.children ?? []).map((w, i) => weightSpec(w, `[${g}].weights[${i}]`, fail)),
    };
  });
}

function weightSpec(node: Node, where: string, fail: (m: string, at: Node) => never): WeightSpec {
  const { values } = properties(node);
  const { name, shape, dtype, quantization } = values;
  if (typeof name !== 'string') fail(`${where} needs a "name"`, node);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0))
    fail(`${where} ("${name}"): "shape" must be a list of sizes`, propertyNode(node, 'shape') ?? node);
  if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool')
    fail(
      `${where} ("${name}"): dtype ${JSON.stringify(dtype)} is not float32, int32 or bool`,
      propertyNode(node, 'dtype') ?? node,
    );
  const spec: WeightSpec = { name, shape: shape as number[], dtype, range: rangeOf(node) };
  if (quantization !== undefined) {
    const q = quantization as Record<string, unknown>;
    const qNode = propertyNode(node, 'quantization') ?? node;
    if (q?.dtype !== 'uint8' && q?.dtype !== 'uint16' && q?.dtype !== 'float16')
      fail(`${where} ("${name}"): quantization dtype must be uint8, uint16 or float16`, qNode);
    if (q.dtype !== 'float16' && (typeof q.scale !== 'number' || typeof q.min !== 'number'))
      fail(`${where} ("${name}"): ${q.dtype as string} quantization needs numeric "scale" and "min"`, qNode);
    spec.quantization = {
      dtype: q.dtype,
      ...(q.dtype === 'float16' ? {} : { scale: q.scale as number, min: q.min as number }),
    };
  }
  return spec;
}

/**
 * Reads every group's shards through `source.readSibling` (which refuses paths leaving the model's
 * folder) and returns the tensors by name. A missing or short shard is a located ModelFormatError.
 */
export async function loadTfjsWeights(
  manifest: readonly WeightsGroup[],
  source: ModelSource,
  format: ModelFormat,
): Promise<Map<string, WeightTensor>> {
  const { readSibling } = source;
  if (!readSibling)
    throw new ModelFormatError(
      format,
      `${source.path}: the weights cannot be read (no access to files beside the model)`,
    );
  const tensors = new Map<string, WeightTensor>();
  for (const group of manifest) {
    const shards = await Promise.all(
      group.paths.map(async ({ path, range }) => {
        try {
          return await readSibling(path);
        } catch (e) {
          const why = e instanceof Error ? e.message : String(e);
          throw new ModelFormatError(
            format,
            `${source.path}: cannot read weight shard "${path}": ${why}`,
            range,
          );
        }
      }),
    );
    const data = concat(shards);
    let offset = 0;
    for (const spec of group.weights) {
      const count = spec.shape.reduce((a, b) => a * b, 1);
      const bytes = count * STORED_BYTES[spec.quantization?.dtype ?? spec.dtype];
      if (offset + bytes > data.length) {
        const files = group.paths.map((p) => p.path).join(', ');
        throw new ModelFormatError(
          format,
          `${source.path}: weight "${spec.name}" needs bytes ${offset}-${offset + bytes} but the shards (${files}) hold only ${data.length}`,
          spec.range,
        );
      }
      tensors.set(spec.name, {
        name: spec.name,
        shape: spec.shape,
        values: decode(spec, data.subarray(offset, offset + bytes), count),
      });
      offset += bytes;
    }
  }
  return tensors;
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function decode(spec: WeightSpec, bytes: Uint8Array, count: number): Float32Array | Int32Array {
  // Copy into a buffer of its own: shards join at arbitrary byte offsets, and a Node Buffer's
  // `.slice()` would share (and misalign within) its pool.
  const own = new Uint8Array(bytes.length);
  own.set(bytes);
  const buffer = own.buffer;
  const q = spec.quantization;
  const out = spec.dtype === 'float32' ? new Float32Array(count) : new Int32Array(count);
  if (q === undefined) {
    if (spec.dtype === 'bool') out.set(new Uint8Array(buffer));
    else out.set(spec.dtype === 'float32' ? new Float32Array(buffer) : new Int32Array(buffer));
    return out;
  }
  if (q.dtype === 'float16') {
    const halves = new Uint16Array(buffer);
    for (let i = 0; i < count; i++) out[i] = halfToFloat(halves[i] as number);
    return out;
  }
  const stored = q.dtype === 'uint8' ? new Uint8Array(buffer) : new Uint16Array(buffer);
  const scale = q.scale as number;
  const min = q.min as number;
  // Int32Array assignment truncates; tfjs rounds quantized int32 weights.
  const round = spec.dtype === 'float32' ? (v: number) => v : Math.round;
  for (let i = 0; i < count; i++) out[i] = round((stored[i] as number) * scale + min);
  return out;
}

/** IEEE 754 half precision to a number (subnormals, infinities and NaN included). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction === 0 ? sign * Infinity : Number.NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
