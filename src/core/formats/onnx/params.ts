// Parameter counts of ONNX nodes. Every floating-point tensor the file stores (an initializer, or a
// Constant node's value that is a weight rather than a scalar or a setting) counts once, for the first
// node that uses it: directly, or through nodes that compute from constants only (a weight transposed,
// sliced, concatenated or reshaped before its MatMul or LSTM belongs to that MatMul or LSTM). Integer
// tensors (indices, shapes, axes) are not parameters, except quantized weights. A subgraph's nodes are
// layers read before their If / Loop / Scan node, so they own its weights; the node counts what they
// left (nothing, unless a weight hides where no node reads it). Only dims are read, never tensor data.
import type { onnx } from 'onnx-proto';
import type { ConstantOrigin } from './dropout';
import { elementCount, tensorDims } from './tensors';
import { constantTensor } from './values';

/** A tensor the file stores: an initializer or a Constant node's value. */
export interface StoredTensor {
  tensor: onnx.ITensorProto;
  from: ConstantOrigin;
  /** Cached: the Long → number conversions add up over thousands of nodes. */
  dims?: number[];
}

/** What a node owns: its parameters, how many of them training leaves alone, and a doubt about them. */
export interface NodeParams {
  params: number;
  frozen: number;
  /** Why the count may miss weights (a custom op's integer tensors or tensor attributes). */
  incomplete?: string;
  /** A node computing from constants alone: the weights its outputs are made of. */
  passOn?: StoredTensor[];
}

/** TensorProto data types holding real numbers: float, float16, double, bfloat16 and the float8 types. */
const REAL = new Set([1, 10, 11, 16, 17, 18, 19, 20]);

/** Integer inputs that are quantized weights (and their int32 biases), not indices or shapes. */
const QUANTIZED_WEIGHTS = new Map<string, number[]>([
  ['DequantizeLinear', [0]],
  ['QLinearConv', [3, 8]],
  ['QLinearMatMul', [3]],
  ['ConvInteger', [1]],
  ['MatMulInteger', [1]],
]);

/**
 * Float inputs that are settings or states, not weights, when Constant nodes give them: resize scales,
 * a recurrent layer's initial state and the fill an Expand broadcasts (PyTorch exports an RNN's zero
 * initial state as a Constant expanded to the batch).
 */
const SETTINGS = new Map<string, number[]>([
  ['Resize', [1, 2]],
  ['Upsample', [1]],
  ['Expand', [0]],
  ['LSTM', [5, 6]],
  ['GRU', [5]],
  ['RNN', [5]],
]);

/** Batch normalisation's running mean and variance: stored, but training does not update them. */
const FROZEN = new Map<string, number[]>([['BatchNormalization', [3, 4]]]);

/** Ops whose output is not made of their inputs' values: no weight passes through them. */
const NOT_A_PATH = new Set([
  'Shape',
  'Size',
  'RandomUniformLike',
  'RandomNormalLike',
  'Bernoulli',
  'Multinomial',
]);

function dimsOf(t: StoredTensor): number[] {
  return (t.dims ??= tensorDims(t.tensor));
}

/** A stored tensor read at input `i` of `opType` is a parameter. */
function isWeight(t: StoredTensor, opType: string, i: number): boolean {
  if (opType === 'Dropout') return false; // its ratio, however stored, is a setting
  const type = t.tensor.dataType ?? 0;
  if (!REAL.has(type)) return QUANTIZED_WEIGHTS.get(opType)?.includes(i) === true;
  // An initializer always counts; a Constant node's value only when it is a tensor of weights.
  return t.from === 'initializer' || (elementCount(dimsOf(t)) > 1 && !isSetting(opType, i));
}

const isSetting = (opType: string, i: number) => SETTINGS.get(opType)?.includes(i) === true;

/** What the counter needs to know of a tensor name (the builder keeps one entry per name). */
export interface TensorFacts {
  /** The initializer or Constant value of that name. */
  constant: StoredTensor | undefined;
  /** For a tensor computed from constants alone: the stored weights it is made of. */
  weights: StoredTensor[] | undefined;
}

/** One counter per graph build: it remembers what was counted, so a weight read twice counts once. */
export class ParamCounter {
  private readonly counted = new Set<onnx.ITensorProto>();

  /** `lookup(name)`: the facts of a tensor of the graph being built, for names its subgraphs read. */
  constructor(private readonly lookup: (name: string) => TensorFacts | undefined) {}

  /**
   * `inputs`: the facts of the node's inputs, in order. A node whose every input is constant owns
   * nothing and passes its weights on (`passOn`: the builder records them for its outputs).
   */
  node(node: onnx.INodeProto, standard: boolean, inputs: readonly (TensorFacts | undefined)[]): NodeParams {
    const opType = node.opType ?? '';
    const names = node.input ?? [];
    let weights: StoredTensor[] | undefined;
    let frozen: StoredTensor[] | undefined;
    let constantOnly = names.length > 0 && !NOT_A_PATH.has(opType);
    // Each tensor once: Add(a, a) would otherwise double the list, and a chain of them grow it exponentially.
    let seen: Set<onnx.ITensorProto> | undefined;
    const add = (t: StoredTensor) => {
      if (seen?.has(t.tensor)) return;
      (seen ??= new Set()).add(t.tensor);
      (weights ??= []).push(t);
    };
    for (let i = 0; i < names.length; i++) {
      if (!names[i]) continue;
      const e = inputs[i];
      const from = e?.weights;
      if (from) {
        for (let k = 0; k < from.length; k++) {
          const t = from[k] as StoredTensor;
          if (t.from === 'initializer' || !isSetting(opType, i)) add(t);
        }
        continue;
      }
      const t = e?.constant;
      if (!t) {
        constantOnly = false;
        continue;
      }
      if (!isWeight(t, opType, i)) continue;
      add(t);
      if (FROZEN.get(opType)?.includes(i)) (frozen ??= []).push(t);
    }
    const subgraphs = subgraphsOf(node);
    if (constantOnly && subgraphs.length === 0) return { params: 0, frozen: 0, passOn: weights ?? [] };
    for (const g of subgraphs) this.subgraphWeights(g, (name) => this.outer(name), (weights ??= []));
    const owned = weights ? this.claim(weights, frozen) : { params: 0, frozen: 0 };
    const incomplete = standard ? undefined : customDoubt(node, inputs);
    return incomplete ? { ...owned, incomplete } : owned;
  }

  private outer(name: string): StoredTensor | StoredTensor[] | undefined {
    const e = this.lookup(name);
    return e?.weights ?? e?.constant;
  }

  /** Counts the weights not counted before. */
  private claim(weights: StoredTensor[], frozen: StoredTensor[] | undefined): NodeParams {
    let params = 0;
    let still = 0;
    for (let i = 0; i < weights.length; i++) {
      const t = weights[i] as StoredTensor;
      if (this.counted.has(t.tensor)) continue;
      this.counted.add(t.tensor);
      const n = elementCount(dimsOf(t));
      params += n;
      if (frozen?.includes(t)) still += n;
    }
    return { params, frozen: still };
  }

  /**
   * A subgraph's weights: its own float initializers, its Constant nodes' weights and the outer tensors
   * its nodes read (`outer` resolves a name in the enclosing scopes), nested subgraphs included.
   */
  private subgraphWeights(
    g: onnx.IGraphProto,
    outer: (name: string) => StoredTensor | StoredTensor[] | undefined,
    into: StoredTensor[],
  ): void {
    const scope = new Map<string, StoredTensor>();
    for (const tensor of g.initializer ?? []) {
      const t: StoredTensor = { tensor, from: 'initializer' };
      scope.set(tensor.name ?? '', t);
      if (REAL.has(tensor.dataType ?? 0)) into.push(t);
    }
    const resolve = (name: string) => scope.get(name) ?? outer(name);
    for (const node of g.node ?? []) {
      const opType = node.opType ?? '';
      if (opType === 'Constant') {
        const tensor = constantTensor(node);
        if (tensor && node.output?.[0]) scope.set(node.output[0], { tensor, from: 'constant' });
        continue;
      }
      (node.input ?? []).forEach((name, i) => {
        const found = name ? resolve(name) : undefined;
        if (Array.isArray(found)) into.push(...found);
        else if (found && isWeight(found, opType, i)) into.push(found);
      });
      for (const sub of subgraphsOf(node)) this.subgraphWeights(sub, resolve, into);
    }
  }
}

/** The graphs a node holds in attributes (If's branches, Loop's and Scan's body). */
function subgraphsOf(node: onnx.INodeProto): onnx.IGraphProto[] {
  const attrs = node.attribute ?? [];
  let graphs: onnx.IGraphProto[] | undefined;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i] as onnx.IAttributeProto;
    if (a.g) (graphs ??= []).push(a.g);
    if (a.graphs?.length) (graphs ??= []).push(...a.graphs);
  }
  return graphs ?? NO_GRAPHS;
}

const NO_GRAPHS: onnx.IGraphProto[] = [];

/**
 * A custom-domain op's weights may hide where no count can see them: in integer tensors it reads (its
 * own quantization) or in tensor attributes.
 */
function customDoubt(
  node: onnx.INodeProto,
  inputs: readonly (TensorFacts | undefined)[],
): string | undefined {
  const op = `${node.domain}:${node.opType ?? ''}`;
  if ((node.attribute ?? []).some((a) => a.t || (a.tensors?.length ?? 0) > 0))
    return `${op} is a custom op with tensor attributes, which are not counted`;
  const integer = inputs.some((e) => {
    const t = e?.constant;
    return t !== undefined && !REAL.has(t.tensor.dataType ?? 0) && elementCount(dimsOf(t)) > 1;
  });
  return integer ? `${op} is a custom op reading integer tensors, which are not counted` : undefined;
}
