// Trained weights as files hold them: the `.nn.json` sidecar the Train panel saves ("DLW1": named,
// shaped tensors), the older bare sidecar (float32 little-endian, every parameter and buffer layer by
// layer), or JSON (a name → values map, or what `dropout-lens train --out` writes, whose "dropout" run
// is taken).
import { WEIGHTS_MAGIC, decodeWeights, weightsByName } from '../formats/nnjson/weights';
import { EngineError } from './engine-error';
import type { Network } from './network';

/** What `train --out` records of its run beside the weights: the data, the seed and the inputs' standardisation. */
export interface TrainedOn {
  data: string;
  seed: number;
  standardization?: { mean: number[]; std: number[] };
}

export type WeightsData =
  | {
      kind: 'named';
      weights: Record<string, ArrayLike<number>>;
      shapes?: Record<string, number[]>;
      trainedOn?: TrainedOn;
    }
  | { kind: 'flat'; values: Float32Array };

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const numbers = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');

/** The run a `train --out` file records (files written before it recorded one have none). */
function trainedOnOf(file: Record<string, unknown>, name: string): TrainedOn | undefined {
  const { data, seed, standardization: s } = file;
  if (typeof data !== 'string' || typeof seed !== 'number') return undefined;
  if (s === undefined) return { data, seed };
  if (!isObj(s) || !numbers(s.mean) || !numbers(s.std) || s.mean.length !== s.std.length)
    throw new EngineError(`${name}: "standardization" must hold lists "mean" and "std" of equal length`);
  return { data, seed, standardization: { mean: s.mean, std: s.std } };
}

export function parseWeights(bytes: Uint8Array, name: string): WeightsData {
  if (new TextDecoder().decode(bytes.subarray(0, 4)) === WEIGHTS_MAGIC) {
    try {
      const file = decodeWeights(bytes, name);
      const shapes = Object.fromEntries(file.tensors.map((t) => [t.name, t.shape]));
      return { kind: 'named', weights: weightsByName(file), shapes };
    } catch (e) {
      throw new EngineError((e as Error).message);
    }
  }
  const first = bytes.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  if (name.endsWith('.json') || first === 0x7b) {
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder().decode(bytes));
    } catch (e) {
      throw new EngineError(`${name}: not JSON (${(e as Error).message})`);
    }
    const runs = isObj(value) && isObj(value.runs) ? value.runs : undefined;
    const run = runs ? (runs.dropout ?? Object.values(runs)[0]) : undefined;
    const weights = runs ? (isObj(run) ? run.weights : undefined) : value;
    if (!isObj(weights)) throw new EngineError(`${name}: no weights in this JSON file`);
    for (const [key, values] of Object.entries(weights))
      if (!Array.isArray(values) || !values.every((v) => typeof v === 'number'))
        throw new EngineError(`${name}: weights "${key}" must be a list of numbers`);
    const trainedOn = runs && isObj(value) ? trainedOnOf(value, name) : undefined;
    return {
      kind: 'named',
      weights: weights as Record<string, number[]>,
      ...(trainedOn ? { trainedOn } : {}),
    };
  }
  if (bytes.byteLength % 4 !== 0)
    throw new EngineError(`${name}: ${bytes.byteLength} bytes is not a whole number of float32 values`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(4 * i, true);
  return { kind: 'flat', values };
}

export function applyWeights(net: Network, data: WeightsData): void {
  if (data.kind === 'named') net.importWeights(data.weights);
  else net.importFlat(data.values);
}
