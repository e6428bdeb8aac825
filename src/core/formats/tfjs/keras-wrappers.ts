// Keras wrapper layers, whose config holds another layer: Bidirectional runs its RNN forwards and a copy
// backwards and merges the two outputs; TimeDistributed applies its layer to every timestep. Shapes and
// parameter counts follow keras/layers/wrappers.py (and tfjs-layers' wrappers.ts).
import type { Shape } from '../../model/ir';
import { kerasLayer, type ConfigFail, type KerasLayerInfo } from './keras-layers';

export const WRAPPERS: ReadonlySet<string> = new Set(['Bidirectional', 'TimeDistributed']);

/** The wrapped layer as `{ class_name, config }`, or undefined when the config has none. */
export function wrappedLayer(
  config: Record<string, unknown>,
): { className: string; config: Record<string, unknown> } | undefined {
  const layer = config.layer as { class_name?: unknown; config?: unknown } | undefined;
  if (typeof layer?.class_name !== 'string' || typeof layer.config !== 'object' || layer.config === null)
    return undefined;
  return { className: layer.class_name, config: layer.config as Record<string, unknown> };
}

export function kerasWrapper(
  className: string,
  config: Record<string, unknown>,
  inputs: (Shape | undefined)[],
  fail: ConfigFail,
): KerasLayerInfo {
  const inner = wrappedLayer(config);
  if (!inner) fail(`a ${className} needs "layer": { "class_name", "config" }`, 'layer');
  if (className === 'TimeDistributed') return timeDistributed(inner, inputs, fail);
  const forward = kerasLayer(inner.className, inner.config, inputs, fail);
  const backwardConfig = wrappedLayer({ layer: config.backward_layer });
  const backward = backwardConfig
    ? kerasLayer(backwardConfig.className, backwardConfig.config, inputs, fail)
    : forward;
  const out = forward.outputShape;
  // concat (the default) doubles the features; sum, mul and ave keep them; None returns both outputs
  // (the forward one is shown).
  const mode = config.merge_mode === undefined ? 'concat' : config.merge_mode;
  const last = out?.[out.length - 1];
  const outputShape =
    out && mode === 'concat' ? [...out.slice(0, -1), typeof last === 'number' ? 2 * last : null] : out;
  return {
    ...forward,
    ...(outputShape ? { outputShape } : {}),
    params: forward.params + backward.params,
    ...(forward.frozenParams || backward.frozenParams
      ? { frozenParams: (forward.frozenParams ?? 0) + (backward.frozenParams ?? 0) }
      : {}),
  };
}

/** The inner layer sees one timestep: [batch, time, ...rest] → [batch, ...rest], then time goes back in. */
function timeDistributed(
  inner: { className: string; config: Record<string, unknown> },
  inputs: (Shape | undefined)[],
  fail: ConfigFail,
): KerasLayerInfo {
  const input = inputs[0];
  const step = input && [input[0] ?? null, ...input.slice(2)];
  const info = kerasLayer(inner.className, inner.config, [step], fail);
  const out = info.outputShape;
  return {
    ...info,
    ...(out && input ? { outputShape: [out[0] ?? null, input[1] ?? null, ...out.slice(1)] } : {}),
  };
}
