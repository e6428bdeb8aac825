// Builds IR graphs the way the ONNX and TensorFlow.js readers produce them, for patterns `.nn.json`
// cannot express (is_test, mask outputs, training_mode, RNN inner dropout, attention, Mul scaling ...).
import type {
  DropoutOrigin,
  DropoutSpec,
  Graph,
  Layer,
  LayerOp,
  ModelFormat,
} from '../../../src/core/model/ir';

export type LayerSpec = Partial<Layer> & { op: LayerOp };

/** A dropout spec as a reader fills it; `origin` defaults to an ONNX Dropout read from an attribute. */
export function spec(
  rate: number,
  extra: Partial<DropoutSpec> = {},
  origin: Partial<DropoutOrigin> = {},
): DropoutSpec {
  return {
    variant: 'standard',
    rate,
    scaling: 'inverted',
    mode: 'train-only',
    ...extra,
    origin: { op: 'Dropout', rateSource: 'attribute', ...origin },
  };
}

/**
 * A graph whose layers form a chain in the given order (each reads the one before; the first reads the
 * graph input `x`), unless a spec names its own `inputs`. Like ONNX, there is no input layer.
 */
export function chain(
  specs: LayerSpec[],
  format: ModelFormat = 'onnx',
  meta: Record<string, unknown> = {},
): Graph {
  const layers: Layer[] = [];
  specs.forEach((s, i) => {
    const id = s.id ?? `${s.op}_${i}`;
    layers.push({
      name: id,
      originalOp: s.op,
      inputs: i === 0 ? ['x'] : [(layers[i - 1] as Layer).id],
      attributes: {},
      params: 0,
      source: { nodeIndex: i, nodeName: id },
      ...s,
      id,
    });
  });
  const first = layers[0] as Layer;
  const last = layers[layers.length - 1] as Layer;
  return {
    format,
    name: 'test',
    inputs: [{ name: 'x', layerId: first.id }],
    outputs: [{ name: 'y', layerId: last.id }],
    layers,
    meta,
  };
}

export const dense = (extra: Partial<Layer> = {}): LayerSpec => ({
  op: 'dense',
  originalOp: 'Gemm',
  params: 128 * 129,
  outputShape: [null, 128],
  ...extra,
});

export const dropoutLayer = (s: DropoutSpec, extra: Partial<Layer> = {}): LayerSpec => ({
  op: 'dropout',
  originalOp: s.origin.op,
  outputShape: [null, 128],
  dropout: s,
  ...extra,
});
