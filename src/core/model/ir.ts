// The normalised model IR shared by every reader, the linter, the engine and the views. Nothing here
// knows which file format a graph came from except `Graph.format` and the `origin` notes kept for
// messages.

/** 'keras': a Keras 3 `.keras` zip; 'keras-h5': a Keras 2 `.h5` (HDF5). */
export type ModelFormat = 'onnx' | 'tfjs-layers' | 'tfjs-graph' | 'nn-json' | 'keras' | 'keras-h5';

/** Formats whose model is a Keras layer config (read by the one Keras-config path of the tfjs reader). */
export const isKerasConfig = (format: ModelFormat): boolean =>
  format === 'tfjs-layers' || format === 'keras' || format === 'keras-h5';

/** A span of a text file, in UTF-16 code units from the start (what editors and jsonc-parser use). */
export interface SourceRange {
  offset: number;
  length: number;
}

/**
 * Where a layer comes from. Text formats give the layer's JSON range and the ranges of its properties
 * (so a finding on `rate` points at the value); ONNX gives the node's index and name.
 */
export interface SourceLocation {
  range?: SourceRange;
  properties?: Record<string, SourceRange>;
  nodeIndex?: number;
  nodeName?: string;
  /**
   * ONNX: the subgraph holding the node (`nodeIndex` counts in it): the enclosing layer's id and the
   * graph attribute, "If_3/then_branch"; absent at top level.
   */
  subgraph?: string;
}

/** A dimension is a size, a symbolic name ("batch", "N") or unknown (null). */
export type Dim = number | string | null;
export type Shape = Dim[];

export type ActivationKind =
  | 'linear'
  | 'relu'
  | 'relu6'
  | 'leaky-relu'
  | 'elu'
  | 'selu'
  | 'gelu'
  | 'tanh'
  | 'sigmoid'
  | 'hard-sigmoid'
  | 'softmax'
  | 'log-softmax'
  | 'softplus'
  | 'softsign'
  | 'swish'
  | 'mish';

export type LayerOp =
  | 'input'
  | 'dense'
  | 'conv'
  | 'pool'
  | 'flatten'
  | 'reshape'
  | 'identity'
  | 'batchnorm'
  | 'layernorm'
  | 'activation'
  | 'softmax'
  | 'add'
  /** Arithmetic, math and comparison ops applied per element (Sub, Mul, Sqrt, ...); Add stays 'add'. */
  | 'elementwise'
  | 'concat'
  | 'rnn'
  | 'embedding'
  | 'attention'
  | 'dropout'
  | 'gaussian-noise'
  | 'constant'
  | 'unknown';

export type DropoutVariant =
  'standard' | 'spatial' | 'alpha' | 'gaussian' | 'gaussian-noise' | 'dropconnect' | 'variational';

/**
 * Every dropout-family layer is described by one of these, from the file through the linter and the
 * engine to the exports. `rate` is always the probability of dropping; a format that stores a keep
 * probability is converted when read, and `origin.keepProbability` records that it was. Gaussian noise
 * drops nothing (rate 0): its level is `stddev`.
 */
export interface DropoutSpec {
  variant: DropoutVariant;
  /** Probability of dropping. NaN when the file's value is missing-but-required or not a number. */
  rate: number;
  /** The rate exactly as the file holds it, when that is not a finite number (a string, null, ...). */
  rawRate?: unknown;
  /** gaussian-noise only: σ of the additive noise x + σ·ε. NaN when missing or not a number. */
  stddev?: number;
  /** gaussian-noise only: σ exactly as the file holds it, when that is not a finite number. */
  rawStddev?: unknown;
  /** Keras-style noise shape: 1 marks an axis that shares one mask value (null = the input's size). */
  noiseShape?: (number | null)[];
  /** inverted: scale kept units by 1/(1-rate) in training; inference-scale: multiply by (1-rate) at inference. */
  scaling: 'inverted' | 'inference-scale';
  /** train-only: identity at inference (the normal case); always / inference-active: random at inference too. */
  mode: 'train-only' | 'always' | 'inference-active';
  /** When the layer is active during training; absent means every epoch. */
  schedule?: DropoutSchedule;
  origin: DropoutOrigin;
}

/** MC dropout: the layer stays random at inference (a file's "always", an exported graph's "inference-active"). */
export const randomAtInference = (spec: Partial<Pick<DropoutSpec, 'mode'>>): boolean =>
  spec.mode === 'always' || spec.mode === 'inference-active';

/**
 * Dropout on for every epoch (constant), only before `epoch` (early dropout, against underfitting) or only
 * from `epoch` on (late dropout, against overfitting): Liu et al., ICML 2023.
 */
export type DropoutSchedule =
  | { kind: 'constant' }
  /** On in epochs 0 … epoch − 1 (0-based), then off: early dropout, against underfitting. */
  | { kind: 'early'; epoch: number }
  /** Off in epochs 0 … epoch − 1 (0-based), then on: late dropout, against overfitting. */
  | { kind: 'late'; epoch: number };

export interface DropoutOrigin {
  /** The file's own name for the op or class ("Dropout", "SpatialDropout2D", "dropout" ...). */
  op: string;
  /** Where the rate came from: an attribute, an initializer, a Constant node, a graph input, a default. */
  rateSource?: 'attribute' | 'property' | 'initializer' | 'constant' | 'graph-input' | 'default';
  /** Where an ONNX training_mode came from, when it is an input. */
  trainingModeSource?: 'initializer' | 'constant' | 'graph-input' | 'default';
  /** The file stored a keep probability that was converted to a rate. */
  keepProbability?: boolean;
  /** For recurrent dropout: which of the RNN's properties ("dropout", "recurrent_dropout"). */
  property?: string;
  /** ONNX: the op set version the node was read under. */
  opsetVersion?: number;
  /** ONNX Dropout-1/-6: the `is_test` attribute, or null when the node has none. */
  isTest?: number | null;
  /** ONNX: the optional `mask` output is read by another node. */
  maskConsumed?: boolean;
  /** TF graph models: the ops of a detected RandomUniform → GreaterEqual → Cast/Select → Mul subgraph. */
  subgraphNodes?: string[];
}

export interface Layer {
  /** Unique within the graph. */
  id: string;
  /** The name the user sees (ONNX node name, Keras layer name, .nn.json name or "layers[3]"). */
  name: string;
  op: LayerOp;
  /** The op exactly as the file names it ("Gemm", "Dense", "dense", "_FusedMatMul"). */
  originalOp: string;
  /** For op 'activation', the kind; for dense/conv, a fused activation applied to the output. */
  activation?: ActivationKind;
  /** Ids of the layers whose outputs this layer reads, in input order. */
  inputs: string[];
  /** Normalised attributes (units, kernelSize, strides, axis, ...) plus anything else the file had. */
  attributes: Record<string, unknown>;
  outputShape?: Shape;
  /** Number of trainable + non-trainable parameters this layer owns. */
  params: number;
  /**
   * How many of `params` training does not update: batch-norm running statistics, and every parameter
   * of a layer the file marks not trainable. Absent: none.
   */
  frozenParams?: number;
  /** Why `params` may miss weights no reader can see (a custom op's own tensors); absent when complete. */
  paramsIncomplete?: string;
  dropout?: DropoutSpec;
  /**
   * Dropout-family behaviour that lives inside another layer (an RNN's `dropout` and
   * `recurrent_dropout`): the layer's own op stays e.g. 'rnn'.
   */
  innerDropout?: DropoutSpec[];
  /**
   * ONNX: the node's input and output tensor names in order ("" for an omitted optional input), which
   * `inputs` (producer layers, once each, constants left out) cannot give back; the executor needs them.
   */
  tensors?: { inputs: string[]; outputs: string[] };
  source: SourceLocation;
}

export interface TensorInfo {
  name: string;
  shape?: Shape;
  dtype?: string;
  /** The layer that produces it (outputs) or consumes it first (inputs), when known. */
  layerId?: string;
}

export interface Graph {
  format: ModelFormat;
  name: string;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /** Layers in a topological order. */
  layers: Layer[];
  /** Free-form facts about the file: producer, opset, tfjs version, marked-as-MC, training spec ... */
  meta: Record<string, unknown>;
}
