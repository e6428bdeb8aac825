// Questions the rules ask about layers and graphs, answered once here so every rule (and every format)
// agrees on what "hidden", "conv feature map", "SELU network" or "the final dense layer" mean.
import type { GraphIndex } from '../model/graph-index';
import type { DropoutSpec, DropoutVariant, Graph, Layer, LayerOp, Shape, SourceRange } from '../model/ir';
import { mcMarkOf } from '../model/mc-marker';

/** Variants whose rate drops whole units with probability `rate` (Bernoulli masks). */
const BERNOULLI: ReadonlySet<DropoutVariant> = new Set(['standard', 'spatial', 'dropconnect', 'variational']);

/** Ops that hold weights: a dropout chain "without a parametric layer between" stops at one of these. */
const PARAMETRIC = new Set(['dense', 'conv', 'rnn', 'embedding', 'attention', 'batchnorm', 'layernorm']);

/** The dropout spec of a layer that drops units (Gaussian noise adds noise of σ `stddev` instead). */
export function rateSpec(layer: Layer): DropoutSpec | undefined {
  return layer.dropout?.variant === 'gaussian-noise' ? undefined : layer.dropout;
}

export function isBernoulli(spec: DropoutSpec): boolean {
  return BERNOULLI.has(spec.variant);
}

/** The rate when the file holds a real number; undefined for strings, null, NaN, ±Infinity. */
export function finiteRate(spec: DropoutSpec): number | undefined {
  return spec.rawRate === undefined && Number.isFinite(spec.rate) ? spec.rate : undefined;
}

/** The source range of the property that holds a spec's rate (`rate`, `dropout`, `recurrent_dropout` ...). */
export function rateRange(layer: Layer, spec: DropoutSpec): SourceRange | undefined {
  const properties = layer.source.properties;
  return properties?.[spec.origin.property ?? 'rate'] ?? properties?.rate;
}

export function rank(shape: Shape | undefined): number | undefined {
  return shape?.length;
}

/** Rank of the tensor a layer reads (dropout keeps its input's shape, so its own output shape will do). */
export function inputRank(index: GraphIndex, layer: Layer): number | undefined {
  return rank(layer.outputShape) ?? rank(index.producersOf(layer)[0]?.outputShape);
}

/**
 * True when nothing but shape-only ops lies between the layer and a model input. A subgraph's inputs
 * (a Loop body's state) have no layer: a subgraph layer reading nothing else is not on the model input.
 */
export function isOnModelInput(index: GraphIndex, layer: Layer): boolean {
  const previous = index.previous(layer);
  if (previous.length === 0 && layer.source.subgraph !== undefined) return false;
  return previous.every((l) => l.op === 'input');
}

/** True for a dropout on a convolutional feature map: rank 4/5, or rank 3 right after a 1-D conv or pool. */
export function isConvFeatureMap(index: GraphIndex, layer: Layer): boolean {
  const r = inputRank(index, layer);
  if (r === 4 || r === 5) return true;
  return r === 3 && index.previous(layer, { throughActivations: true }).some((l) => isConvLike(l));
}

function isConvLike(layer: Layer): boolean {
  return layer.op === 'conv' || layer.op === 'pool';
}

/** True for attention and residual dropout: next to an attention layer, or feeding a residual Add of a transformer. */
export function isAttentionDropout(graph: Graph, index: GraphIndex, layer: Layer): boolean {
  if (!graph.layers.some((l) => l.op === 'attention')) return false;
  const isAttention = (l: Layer) => l.op === 'attention';
  return (
    index.previous(layer).some(isAttention) || index.next(layer).some((l) => isAttention(l) || l.op === 'add')
  );
}

/**
 * Where a dropout sits, for the rate rules: each rate belongs to exactly one of input-rate-too-high,
 * conv-rate-too-high, attention-rate-unusual and rate-too-high.
 */
export type DropoutPosition = 'input' | 'conv' | 'attention' | 'hidden';

export function dropoutPosition(graph: Graph, index: GraphIndex, layer: Layer): DropoutPosition {
  if (isOnModelInput(index, layer)) return 'input';
  if (isConvFeatureMap(index, layer)) return 'conv';
  if (isAttentionDropout(graph, index, layer)) return 'attention';
  return 'hidden';
}

/** The Bernoulli dropouts of a graph with a finite rate, with the position the rate rules need. */
export function bernoulliDropouts(
  graph: Graph,
  index: GraphIndex,
): { layer: Layer; spec: DropoutSpec; rate: number; position: DropoutPosition }[] {
  const found = [];
  for (const layer of graph.layers) {
    const spec = rateSpec(layer);
    const rate = spec && isBernoulli(spec) ? finiteRate(spec) : undefined;
    if (spec && rate !== undefined)
      found.push({ layer, spec, rate, position: dropoutPosition(graph, index, layer) });
  }
  return found;
}

/** Softmax or sigmoid turning logits into probabilities, as its own layer or fused into a dense/conv. */
export function isProbabilityLayer(layer: Layer): boolean {
  if (layer.op === 'softmax') return true;
  const kind = layer.activation;
  return kind === 'softmax' || kind === 'sigmoid' || kind === 'log-softmax';
}

export function isParametric(layer: Layer): boolean {
  return PARAMETRIC.has(layer.op);
}

/** Ops the IR keeps as 'unknown' that only move values: padding, and transposes (reshapes of the axes). */
const MOVES_VALUES = /^(Pad|PadV2|MirrorPad|ZeroPadding[123]D|Transpose|Permute)$/;

/** Ops through which a dropped tensor's train-time variance reaches the next layer unweighted. */
const CARRIES_VARIANCE: ReadonlySet<LayerOp> = new Set([
  'activation',
  'concat',
  'add',
  'pool',
  'dropout',
  'gaussian-noise',
]);

/**
 * True when the layer passes the variance of what it reads on to its output without a learned weight:
 * joins (Concat keeps the dropped channels, Add sums them in), reshapes and transposes, activations,
 * pooling, padding, and further dropout. A dropout's noise reaches a BatchNorm through any chain of
 * these (Li et al., CVPR 2019 — DenseNet's Dropout → Concat → BN); a weight layer between spreads it
 * over its fan-in, which is what Wide ResNet relies on, so a parametric layer (none is listed) ends the
 * chain, and so does any op not listed here (element-wise arithmetic may be a normalisation).
 */
export function carriesVariance(layer: Layer): boolean {
  return CARRIES_VARIANCE.has(layer.op) || MOVES_VALUES.test(layer.originalOp);
}

export function isMaxPool(layer: Layer): boolean {
  return layer.op === 'pool' && (layer.attributes.mode === 'max' || /max/i.test(layer.originalOp));
}

export function isSelu(layer: Layer): boolean {
  return layer.activation === 'selu';
}

/**
 * A self-normalising network (Klambauer et al. 2017): it uses SELU and no other hidden non-linearity
 * (output softmax / sigmoid and linear layers do not count).
 */
export function isSeluNetwork(graph: Graph): boolean {
  const kinds = graph.layers
    .filter((l) => l.activation !== undefined && !isProbabilityLayer(l) && l.activation !== 'linear')
    .map((l) => l.activation);
  return kinds.length > 0 && kinds.every((k) => k === 'selu');
}

/**
 * The dense (or conv) layer that produces the logits a dropout sits behind: the nearest one upstream,
 * stepping over shape-only ops, activations and softmax.
 */
export function logitsLayerBefore(index: GraphIndex, layer: Layer): Layer | undefined {
  let current: Layer | undefined = layer;
  const seen = new Set<string>();
  while (current && !seen.has(current.id)) {
    seen.add(current.id);
    const [previous]: Layer[] = index.previous(current, { throughActivations: true });
    if (previous === undefined || previous.op === 'dense' || previous.op === 'conv') return previous;
    if (previous.op !== 'softmax' && previous.dropout === undefined) return undefined;
    current = previous;
  }
  return undefined;
}

/** Output units of a dense layer: its `units`, or the last dimension of its output (ONNX Gemm/MatMul). */
export function unitCount(layer: Layer): number | undefined {
  if (typeof layer.attributes.units === 'number') return layer.attributes.units;
  const last = layer.op === 'dense' ? layer.outputShape?.[layer.outputShape.length - 1] : undefined;
  return typeof last === 'number' ? last : undefined;
}

/** Every layer reachable downstream of a layer. */
export function downstream(index: GraphIndex, layer: Layer): Layer[] {
  const seen = new Set<string>([layer.id]);
  const found: Layer[] = [];
  const stack = [...index.consumersOf(layer)];
  while (stack.length > 0) {
    const current = stack.pop() as Layer;
    if (seen.has(current.id)) continue;
    seen.add(current.id);
    found.push(current);
    stack.push(...index.consumersOf(current));
  }
  return found;
}

/** L2 weight decay on the whole model (training spec) or a kernel regularizer on the layer (Keras). */
export function hasWeightDecay(graph: Graph, layer: Layer): boolean {
  const training = graph.meta.training as { l2?: unknown } | undefined;
  const regularizer = layer.attributes.kernel_regularizer ?? layer.attributes.kernelRegularizer;
  return (
    (typeof training?.l2 === 'number' && training.l2 > 0) ||
    (regularizer !== undefined && regularizer !== null)
  );
}

/**
 * A multiplication by a scalar constant, as readers record it: `attributes.scale` on a Mul / scale layer.
 * Classic (scale-at-inference) dropout exported to an inference graph shows up as Dropout → Mul(1 − rate).
 */
export function scalarScale(layer: Layer): number | undefined {
  const scale = layer.attributes.scale;
  return typeof scale === 'number' && layer.dropout === undefined ? scale : undefined;
}

/** The graph is marked as an MC-dropout model (model/mc-marker.ts): randomness at inference is intended. */
export function isMarkedMcModel(graph: Graph): boolean {
  return mcMarkOf(graph) !== undefined;
}

/** Approximate equality for rates read from files (float32 storage: 0.1 becomes 0.100000001). */
export function sameRate(a: number, b: number): boolean {
  return Math.abs(a - b) < 1e-6;
}
