// Trained weights as files hold them: the `.nn.json` sidecar the Train panel saves ("DLW1": named,
// shaped tensors), the older bare sidecar (float32 little-endian, every parameter and buffer layer by
// layer), or JSON (a name → values map, or what `dropout-lens train --out` writes, whose "dropout" run
// is taken). A run reads the file its caller names (`--weights`, the panel's choice), else the model's
// "weights" sidecar.
import type { ModelSource } from '../formats/reader';
import { WEIGHTS_MAGIC, decodeWeights, weightsByName } from '../formats/nnjson/weights';
import { namingFile } from '../io/file-message';
import { readFileWithinAsync } from '../io/node-files';
import type { SizeLimit } from '../io/size-limit';
import type { Graph } from '../model/ir';
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

/** A weights file that cannot be read or parsed; `file` is the path as the caller or the model named it. */
export class WeightsFileError extends EngineError {
  constructor(
    readonly file: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(namingFile(file, message), options);
    this.name = 'WeightsFileError';
  }
}

/**
 * The weights a run of `graph` takes and the file they came from: `chosen.path` when given (read under
 * `chosen.limit`), else the model's "weights" sidecar, read through the source, which refuses names that
 * leave the model's folder. Undefined when there is neither. Failures are WeightsFileErrors naming the file.
 */
export async function readWeights(
  graph: Graph,
  source: ModelSource,
  chosen?: { path: string; limit: SizeLimit },
): Promise<{ file: string; data: WeightsData } | undefined> {
  const sidecar = typeof graph.meta.weights === 'string' ? graph.meta.weights : undefined;
  const file = chosen?.path ?? sidecar;
  if (file === undefined) return undefined;
  let bytes: Uint8Array;
  try {
    if (chosen) bytes = await readFileWithinAsync(chosen.path, chosen.limit);
    else if (source.readSibling) bytes = await source.readSibling(file);
    else throw new Error(`the weights file beside ${source.path} cannot be read here`);
    return { file, data: parseWeights(bytes, file) };
  } catch (e) {
    throw new WeightsFileError(file, e instanceof Error ? e.message : String(e), { cause: e });
  }
}

export function applyWeights(net: Network, data: WeightsData): void {
  if (data.kind === 'named') net.importWeights(data.weights);
  else net.importFlat(data.values);
}
