// One .nn.json layer (already checked against the schema) to an IR layer: the op, normalised attributes,
// the output shape, the parameter count as Keras and PyTorch count them, and the dropout spec. Shape
// problems the schema cannot see (dense on a feature map, a kernel larger than its input) are errors here.
import type { Node } from 'jsonc-parser';
import type {
  ActivationKind,
  DropoutSchedule,
  DropoutSpec,
  Layer,
  LayerOp,
  SourceRange,
} from '../../model/ir';
import { dropoutLevel } from '../../model/dropout-level';
import { propertyNode, rangeOf, type JsonErrors } from '../json-text';

/** The .nn.json layer types and the IR op each becomes; the schema's enum lists the same names. */
export const LAYER_OPS: Readonly<Record<string, LayerOp>> = {
  dense: 'dense',
  conv2d: 'conv',
  maxpool2d: 'pool',
  avgpool2d: 'pool',
  globalavgpool2d: 'pool',
  flatten: 'flatten',
  reshape: 'reshape',
  batchnorm: 'batchnorm',
  layernorm: 'layernorm',
  activation: 'activation',
  softmax: 'softmax',
  dropout: 'dropout',
  'spatial-dropout': 'dropout',
  'alpha-dropout': 'dropout',
  'gaussian-dropout': 'dropout',
  'gaussian-noise': 'gaussian-noise',
};

const DROPOUT_VARIANTS: Readonly<Record<string, DropoutSpec['variant']>> = {
  dropout: 'standard',
  'spatial-dropout': 'spatial',
  'alpha-dropout': 'alpha',
  'gaussian-dropout': 'gaussian',
  'gaussian-noise': 'gaussian-noise',
};

/** A layer as the schema admits it (rates may still be anything: the linter judges them). */
interface LayerJson {
  type: string;
  name?: string;
  units?: number;
  activation?: ActivationKind;
  alpha?: number;
  bias?: boolean;
  dropconnect?: unknown;
  filters?: number;
  kernelSize?: number | [number, number];
  stride?: number | [number, number];
  poolSize?: number | [number, number];
  padding?: 'valid' | 'same';
  shape?: number[];
  rate?: unknown;
  stddev?: unknown;
  scaling?: DropoutSpec['scaling'];
  noiseShape?: (number | null)[];
  mcDropout?: boolean;
  schedule?: DropoutSchedule;
}

export interface LayerInput {
  id: string;
  name: string;
  /** Shape of one sample (no batch axis); every size is known in this format. */
  features: number[];
}

/** Builds the IR layer for `layers[index]` (its value and its tree node), reading `input`. */
export function readLayer(
  value: unknown,
  node: Node,
  index: number,
  input: LayerInput,
  errors: JsonErrors,
): { layer: Layer; features: number[] } {
  const json = value as LayerJson;
  const properties: Record<string, SourceRange> = {};
  for (const p of node.children ?? []) {
    const [k, v] = p.children ?? [];
    if (typeof k?.value === 'string' && v) properties[k.value] = rangeOf(v);
  }
  const where = `layers[${index}] (${json.type})`;
  const fail = (message: string, key?: string) =>
    errors.at((key && propertyNode(node, key)) || node, `${where}: ${message}`);
  const layer: Layer = {
    id: `layers[${index}]`,
    name: json.name ?? where,
    op: LAYER_OPS[json.type] as LayerOp,
    originalOp: json.type,
    inputs: [input.id],
    attributes: { ...json },
    params: 0,
    source: { range: rangeOf(node), properties },
  };
  if (json.activation !== undefined) layer.activation = json.activation;
  if (json.alpha !== undefined && json.activation !== 'leaky-relu' && json.activation !== 'elu') {
    throw fail(`"alpha" applies to leaky-relu and elu only, not ${json.activation}`, 'alpha');
  }
  const variant = DROPOUT_VARIANTS[json.type];
  if (variant !== undefined) layer.dropout = dropoutSpec(variant, json, input.features, fail);
  if (json.dropconnect !== undefined) layer.innerDropout = [dropconnectSpec(json.dropconnect)];

  const features = outputFeatures(layer, json, input, fail);
  const size = features.reduce((n, d) => n * d, 1);
  if (!Number.isSafeInteger(size) || !Number.isSafeInteger(layer.params)) {
    throw fail(`the output (${features.join(' × ')}) or the parameter count is too large to compute exactly`);
  }
  layer.outputShape = [null, ...features];
  return { layer, features };
}

type Fail = (message: string, key?: string) => Error;

/** Output shape of one sample, setting normalised attributes and the parameter count on the way. */
function outputFeatures(layer: Layer, json: LayerJson, input: LayerInput, fail: Fail): number[] {
  const x = input.features;
  const a = layer.attributes;
  const fromWhere = `${JSON.stringify(x)} from ${input.name}`;
  const needMaps = () => {
    if (x.length !== 3) {
      throw fail(
        `needs a [channels, height, width] input but gets ${fromWhere}; set input.shape to [C, H, W] or add a reshape`,
      );
    }
    return x as [number, number, number];
  };
  switch (json.type) {
    case 'dense': {
      if (x.length !== 1) {
        throw fail(`needs a flat input but gets ${fromWhere}; add { "type": "flatten" } before it`);
      }
      const units = json.units as number;
      const inFeatures = x[0] as number;
      // Keras Dense / PyTorch Linear: a weight per input-output pair, plus one bias per unit.
      layer.params = inFeatures * units + (json.bias === false ? 0 : units);
      return [units];
    }
    case 'conv2d': {
      const [c, h, w] = needMaps();
      const filters = json.filters as number;
      const [kh, kw] = pair(json.kernelSize as number | [number, number]);
      const [sh, sw] = pair(json.stride ?? 1);
      const padding = json.padding ?? 'valid';
      Object.assign(a, { kernelSize: [kh, kw], strides: [sh, sw], padding });
      // Keras: "same" gives ceil(in / stride); "valid" gives floor((in - k) / stride) + 1.
      const out = (n: number, k: number, s: number) =>
        padding === 'same' ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1;
      const [oh, ow] = [out(h, kh, sh), out(w, kw, sw)];
      if (oh < 1 || ow < 1)
        throw fail(`kernel ${kh}×${kw} is larger than its ${h}×${w} input (padding "valid")`, 'kernelSize');
      layer.params = c * kh * kw * filters + filters;
      return [filters, oh, ow];
    }
    case 'maxpool2d':
    case 'avgpool2d': {
      const [c, h, w] = needMaps();
      const [kh, kw] = pair(json.poolSize ?? 2);
      const [sh, sw] = pair(json.stride ?? [kh, kw]);
      Object.assign(a, {
        pool: json.type === 'maxpool2d' ? 'max' : 'avg',
        poolSize: [kh, kw],
        strides: [sh, sw],
      });
      if (kh > h || kw > w) throw fail(`pool ${kh}×${kw} is larger than its ${h}×${w} input`, 'poolSize');
      return [c, Math.floor((h - kh) / sh) + 1, Math.floor((w - kw) / sw) + 1];
    }
    case 'globalavgpool2d': {
      const [c] = needMaps();
      Object.assign(a, { pool: 'avg', global: true });
      return [c];
    }
    case 'flatten':
      return [x.reduce((n, d) => n * d, 1)];
    case 'reshape':
      return reshape(x, json.shape as number[], fromWhere, fail);
    case 'batchnorm':
      // gamma, beta, moving mean, moving variance per channel (axis 0 of a sample: channels first).
      layer.params = 4 * (x[0] as number);
      layer.frozenParams = 2 * (x[0] as number);
      return x;
    case 'layernorm':
      // A scale and a shift per normalised feature (PyTorch LayerNorm(sample shape)).
      layer.params = 2 * x.reduce((n, d) => n * d, 1);
      return x;
    default:
      return x;
  }
}

function reshape(x: number[], target: number[], fromWhere: string, fail: Fail): number[] {
  const total = x.reduce((n, d) => n * d, 1);
  const unknown = target.filter((d) => d === -1).length;
  if (unknown > 1) throw fail('"shape" may hold at most one -1', 'shape');
  const known = target.reduce((n, d) => (d === -1 ? n : n * d), 1);
  const inferred = total / known;
  const shape = target.map((d) => (d === -1 ? inferred : d));
  if (!Number.isInteger(inferred) || (unknown === 0 && known !== total)) {
    throw fail(`cannot reshape ${fromWhere} (${total} values) into ${JSON.stringify(target)}`, 'shape');
  }
  return shape;
}

function pair(v: number | [number, number]): [number, number] {
  return typeof v === 'number' ? [v, v] : v;
}

function dropoutSpec(
  variant: DropoutSpec['variant'],
  json: LayerJson,
  features: number[],
  fail: Fail,
): DropoutSpec {
  const { property, ...level } = dropoutLevel(variant === 'gaussian-noise', json);
  const spec: DropoutSpec = {
    variant,
    ...level,
    scaling: json.scaling ?? 'inverted',
    mode: json.mcDropout === true ? 'always' : 'train-only',
    origin: { op: json.type, rateSource: 'property', property },
  };
  if (json.noiseShape !== undefined) {
    const ok =
      json.noiseShape.length === features.length &&
      json.noiseShape.every((d, i) => d === null || d === 1 || d === features[i]);
    if (!ok) {
      throw fail(
        `"noiseShape" ${JSON.stringify(json.noiseShape)} does not fit the input ${JSON.stringify(features)}: ` +
          'give one entry per axis, each 1 (shared), null or the axis size',
        'noiseShape',
      );
    }
    // The IR keeps Keras's convention: the batch axis comes first.
    spec.noiseShape = [null, ...json.noiseShape];
  }
  // The schema makes early and late name their epoch, so the file's schedule is the IR's as written.
  if (json.schedule !== undefined) spec.schedule = json.schedule;
  return spec;
}

function dropconnectSpec(raw: unknown): DropoutSpec {
  const { rate, rawRate } = dropoutLevel(false, { rate: raw });
  return {
    variant: 'dropconnect',
    rate,
    ...(Number.isFinite(rate) ? {} : { rawRate }),
    scaling: 'inverted',
    mode: 'train-only',
    origin: { op: 'dense', rateSource: 'property', property: 'dropconnect' },
  };
}
