// Keras layer classes (as TensorFlow.js layers models store them) mapped to IR ops, with the output
// shapes and parameter counts Keras computes. Shapes include the batch axis; data_format defaults to
// channels_last. Formulas follow tfjs-layers' computeOutputShape / build (see the fixtures' expected.json).
import type { ActivationKind, DropoutSpec, LayerOp, Shape } from '../../model/ir';
import { dropoutLevel } from '../../model/dropout-level';

type Dim = Shape[number];

/** What a Keras class becomes, computed from its config and its input shapes. */
export interface KerasLayerInfo {
  op: LayerOp;
  activation?: ActivationKind;
  outputShape?: Shape;
  params: number;
  /** Parameters training leaves alone (see Layer.frozenParams). */
  frozenParams?: number;
  dropout?: DropoutSpec;
  innerDropout?: DropoutSpec[];
}

/** Reports a bad config value; `key` names the config property at fault, for the error's location. */
export type ConfigFail = (message: string, key?: string) => never;

/** Keras and tfjs activation names (snake_case and camelCase) to the IR's kinds. */
const ACTIVATIONS: Record<string, ActivationKind> = {
  linear: 'linear',
  relu: 'relu',
  relu6: 'relu6',
  elu: 'elu',
  selu: 'selu',
  gelu: 'gelu',
  gelu_new: 'gelu',
  tanh: 'tanh',
  sigmoid: 'sigmoid',
  hard_sigmoid: 'hard-sigmoid',
  hardSigmoid: 'hard-sigmoid',
  softmax: 'softmax',
  log_softmax: 'log-softmax',
  logSoftmax: 'log-softmax',
  softplus: 'softplus',
  softsign: 'softsign',
  swish: 'swish',
  silu: 'swish',
  mish: 'mish',
  leaky_relu: 'leaky-relu',
  leakyRelu: 'leaky-relu',
};

export function activationKind(name: unknown): ActivationKind | undefined {
  return typeof name === 'string' ? ACTIVATIONS[name] : undefined;
}

const DROPOUT_VARIANTS: Record<string, DropoutSpec['variant']> = {
  Dropout: 'standard',
  SpatialDropout1D: 'spatial',
  SpatialDropout2D: 'spatial',
  SpatialDropout3D: 'spatial',
  AlphaDropout: 'alpha',
  GaussianDropout: 'gaussian',
  GaussianNoise: 'gaussian-noise',
};

const RNN_GATES: Record<string, number> = { SimpleRNN: 1, LSTM: 4, GRU: 3 };

const size = (dims: Shape): number | null =>
  dims.reduce<number | null>((n, d) => (n === null || typeof d !== 'number' ? null : n * d), 1);

/** A Keras int-or-tuple option as a list of `rank` numbers. */
function tuple(value: unknown, rank: number, fallback: number, key: string, fail: ConfigFail): number[] {
  if (value === undefined || value === null) return Array<number>(rank).fill(fallback);
  const list = typeof value === 'number' ? Array<number>(rank).fill(value) : value;
  if (!Array.isArray(list) || list.length !== rank || !list.every((v) => Number.isInteger(v) && v > 0))
    fail(`"${key}" must be a positive integer or a list of ${rank}`, key);
  return list as number[];
}

function positiveInt(config: Record<string, unknown>, key: string, fail: ConfigFail): number {
  const v = config[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    fail(`"${key}" must be a positive integer`, key);
  return v;
}

/** Resolves a Keras axis (negative from the end, positive counting the batch axis) against a rank. */
function axisOf(value: unknown, rank: number): number {
  const a = Array.isArray(value) ? value[value.length - 1] : value;
  const n = typeof a === 'number' ? a : -1;
  return n < 0 ? rank + n : n;
}

/** One spatial size after a convolution or pool (Keras conv_utils.conv_output_length). */
function convLength(n: Dim, k: number, stride: number, padding: string, dilation = 1): Dim {
  if (typeof n !== 'number') return null;
  const span = (k - 1) * dilation + 1;
  if (padding === 'same' || padding === 'causal') return Math.ceil(n / stride);
  return Math.floor((n - span) / stride) + 1;
}

/** Splits [batch, ...] into spatial dims and channels according to data_format. */
function layout(input: Shape, config: Record<string, unknown>) {
  const first = config.data_format === 'channels_first';
  const channels = first ? input[1] : input[input.length - 1];
  const spatial = first ? input.slice(2) : input.slice(1, -1);
  const build = (dims: Dim[], c: Dim): Shape =>
    first ? [input[0] ?? null, c, ...dims] : [input[0] ?? null, ...dims, c];
  return { channels: channels ?? null, spatial, build };
}

function dropoutFamily(className: string, config: Record<string, unknown>): DropoutSpec {
  const { property, ...level } = dropoutLevel(className === 'GaussianNoise', config);
  const spec: DropoutSpec = {
    variant: DROPOUT_VARIANTS[className] ?? 'standard',
    ...level,
    scaling: 'inverted',
    mode: 'train-only',
    origin: { op: className, rateSource: 'property', property },
  };
  const shape = config.noise_shape;
  if (Array.isArray(shape) && shape.every((d) => d === null || typeof d === 'number'))
    spec.noiseShape = shape as (number | null)[];
  return spec;
}

function recurrentDropout(className: string, config: Record<string, unknown>): DropoutSpec[] {
  const specs: DropoutSpec[] = [];
  for (const [key, variant] of [
    ['dropout', 'standard'],
    ['recurrent_dropout', 'variational'],
  ] as const) {
    if (!(key in config)) continue;
    const raw = config[key];
    const finite = typeof raw === 'number' && Number.isFinite(raw);
    specs.push({
      variant,
      rate: finite ? raw : Number.NaN,
      ...(finite ? {} : { rawRate: raw }),
      scaling: 'inverted',
      mode: 'train-only',
      origin: { op: className, rateSource: 'property', property: key },
    });
  }
  return specs;
}

/** Maps one Keras layer. `inputs` are the shapes of the tensors it reads (empty for InputLayer). */
export function kerasLayer(
  className: string,
  config: Record<string, unknown>,
  inputs: (Shape | undefined)[],
  fail: ConfigFail,
): KerasLayerInfo {
  const input = inputs[0];
  if (className === 'InputLayer') {
    const shape = config.batch_input_shape ?? config.batch_shape;
    if (!Array.isArray(shape) || !shape.every((d) => d === null || typeof d === 'number'))
      fail(
        'an InputLayer needs "batch_input_shape" (or "batch_shape"), a list of sizes',
        'batch_input_shape',
      );
    return { op: 'input', outputShape: shape as Shape, params: 0 };
  }
  if (className in DROPOUT_VARIANTS) {
    return {
      op: className === 'GaussianNoise' ? 'gaussian-noise' : 'dropout',
      outputShape: input,
      params: 0,
      dropout: dropoutFamily(className, config),
    };
  }
  if (input === undefined) return { op: kerasOp(className), params: 0 };
  const info = shapeAndParams(className, config, input, inputs, fail);
  // A frozen layer (transfer learning's usual base) keeps every weight as it is.
  return config.trainable === false && info.params > 0 ? { ...info, frozenParams: info.params } : info;
}

/** The IR op of a class whose shape cannot be worked out (its input shape is unknown). */
function kerasOp(className: string): LayerOp {
  if (/^(Conv|DepthwiseConv|SeparableConv)/.test(className)) return 'conv';
  if (/Pool/.test(className)) return 'pool';
  if (className in RNN_GATES) return 'rnn';
  const ops: Record<string, LayerOp> = {
    Dense: 'dense',
    Flatten: 'flatten',
    Reshape: 'reshape',
    BatchNormalization: 'batchnorm',
    LayerNormalization: 'layernorm',
    Activation: 'activation',
    ReLU: 'activation',
    LeakyReLU: 'activation',
    ELU: 'activation',
    Softmax: 'softmax',
    Add: 'add',
    Concatenate: 'concat',
    Embedding: 'embedding',
  };
  return ops[className] ?? 'unknown';
}

function shapeAndParams(
  className: string,
  config: Record<string, unknown>,
  input: Shape,
  inputs: (Shape | undefined)[],
  fail: ConfigFail,
): KerasLayerInfo {
  const op = kerasOp(className);
  const last = input[input.length - 1] ?? null;
  const bias = config.use_bias === false ? 0 : 1;
  const activation = activationKind(config.activation);
  const fused = activation !== undefined && activation !== 'linear' ? { activation } : {};
  switch (className) {
    case 'Dense': {
      const units = positiveInt(config, 'units', fail);
      const params = typeof last === 'number' ? last * units + bias * units : 0;
      return { op, ...fused, outputShape: [...input.slice(0, -1), units], params };
    }
    case 'Conv1D':
    case 'Conv2D':
    case 'Conv3D':
    case 'DepthwiseConv2D':
    case 'SeparableConv2D':
    case 'Conv2DTranspose':
      return { op, ...fused, ...conv(className, config, input, bias, fail) };
    case 'Flatten':
      return { op, outputShape: [input[0] ?? null, size(input.slice(1))], params: 0 };
    case 'Reshape': {
      const target = config.target_shape;
      if (!Array.isArray(target) || !target.every((d) => typeof d === 'number'))
        fail('"target_shape" must be a list of sizes', 'target_shape');
      const known = size(target.filter((d) => d !== -1));
      const total = size(input.slice(1));
      const out = target.map((d) => (d === -1 ? (known && total !== null ? total / known : null) : d));
      return { op, outputShape: [input[0] ?? null, ...out], params: 0 };
    }
    case 'BatchNormalization':
    case 'LayerNormalization': {
      const c = input[axisOf(config.axis, input.length)] ?? null;
      const affine = (config.scale === false ? 0 : 1) + (config.center === false ? 0 : 1);
      const moving = className === 'BatchNormalization' ? 2 : 0;
      if (typeof c !== 'number') return { op, outputShape: input, params: 0 };
      return {
        op,
        outputShape: input,
        params: (affine + moving) * c,
        ...(moving ? { frozenParams: moving * c } : {}),
      };
    }
    case 'Activation':
      return { op, activation: activation ?? 'linear', outputShape: input, params: 0 };
    case 'ReLU':
      return { op, activation: config.max_value === 6 ? 'relu6' : 'relu', outputShape: input, params: 0 };
    case 'LeakyReLU':
      return { op, activation: 'leaky-relu', outputShape: input, params: 0 };
    case 'ELU':
      return { op, activation: 'elu', outputShape: input, params: 0 };
    case 'Concatenate': {
      const axis = axisOf(config.axis, input.length);
      const along = inputs.reduce<number | null>((n, s) => {
        const d = s?.[axis];
        return n === null || typeof d !== 'number' ? null : n + d;
      }, 0);
      return { op, outputShape: input.map((d, i) => (i === axis ? along : d)), params: 0 };
    }
    case 'Embedding': {
      const vocabulary = positiveInt(config, 'input_dim', fail);
      const width = positiveInt(config, 'output_dim', fail);
      return { op, outputShape: [...input, width], params: vocabulary * width };
    }
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU': {
      const units = positiveInt(config, 'units', fail);
      const gates = RNN_GATES[className] as number;
      // GRU with reset_after (Keras 2.3+ default, not tfjs's) keeps separate input and recurrent biases.
      const biases = className === 'GRU' && config.reset_after === true ? 2 : 1;
      const params = typeof last === 'number' ? gates * units * (last + units + bias * biases) : 0;
      const out =
        config.return_sequences === true
          ? [input[0] ?? null, input[1] ?? null, units]
          : [input[0] ?? null, units];
      return { op, outputShape: out, params, innerDropout: recurrentDropout(className, config) };
    }
    default:
      if (op === 'pool') return { op, outputShape: pool(className, config, input, fail), params: 0 };
      // Softmax, Add and the other merges and unknown classes keep their first input's shape.
      return { op, outputShape: input, params: 0 };
  }
}

function conv(
  className: string,
  config: Record<string, unknown>,
  input: Shape,
  bias: number,
  fail: ConfigFail,
): { outputShape: Shape; params: number } {
  const { channels, spatial, build } = layout(input, config);
  const rank = spatial.length;
  const kernel = tuple(config.kernel_size, rank, 1, 'kernel_size', fail);
  const strides = tuple(config.strides, rank, 1, 'strides', fail);
  const dilation = tuple(config.dilation_rate, rank, 1, 'dilation_rate', fail);
  const padding = typeof config.padding === 'string' ? config.padding : 'valid';
  const k = kernel.reduce((a, b) => a * b, 1);
  const cin = typeof channels === 'number' ? channels : null;
  const dims = spatial.map((n, i) => {
    if (className !== 'Conv2DTranspose')
      return convLength(n, kernel[i] as number, strides[i] as number, padding, dilation[i]);
    if (typeof n !== 'number') return null;
    return padding === 'same'
      ? n * (strides[i] as number)
      : (n - 1) * (strides[i] as number) + (kernel[i] as number);
  });
  if (className === 'DepthwiseConv2D') {
    const multiplier = typeof config.depth_multiplier === 'number' ? config.depth_multiplier : 1;
    const out = cin === null ? null : cin * multiplier;
    return { outputShape: build(dims, out), params: out === null ? 0 : k * out + bias * out };
  }
  const filters = positiveInt(config, 'filters', fail);
  if (className === 'SeparableConv2D') {
    const multiplier = typeof config.depth_multiplier === 'number' ? config.depth_multiplier : 1;
    const params = cin === null ? 0 : k * cin * multiplier + cin * multiplier * filters + bias * filters;
    return { outputShape: build(dims, filters), params };
  }
  const groups = typeof config.groups === 'number' ? config.groups : 1;
  return {
    outputShape: build(dims, filters),
    params: cin === null ? 0 : (k * cin * filters) / groups + bias * filters,
  };
}

function pool(className: string, config: Record<string, unknown>, input: Shape, fail: ConfigFail): Shape {
  const { channels, spatial, build } = layout(input, config);
  if (className.startsWith('Global')) {
    if (config.keepdims === true)
      return build(
        spatial.map(() => 1),
        channels,
      );
    return [input[0] ?? null, channels];
  }
  const rank = spatial.length;
  const size = tuple(config.pool_size, rank, 2, 'pool_size', fail);
  const strides =
    config.strides === null || config.strides === undefined
      ? size
      : tuple(config.strides, rank, 1, 'strides', fail);
  const padding = typeof config.padding === 'string' ? config.padding : 'valid';
  return build(
    spatial.map((n, i) => convLength(n, size[i] as number, strides[i] as number, padding)),
    channels,
  );
}
