// What a tfjs model's output is (engine/mc/output-kind.ts says what each kind means), and how it becomes
// per-class probabilities on tfjs.
import type { Tensor as TfTensor } from '@tensorflow/tfjs-core';
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import { outputKindOf, type OutputKind } from '../../engine/mc/output-kind';
import { sizeOf } from '../../engine/tensor';
import type { TfjsLibrary } from './load-library';

export { outputKindOf, type OutputKind };

/** The activation that made `t`, looking into a nested model's output. */
function activationOf(t: SymbolicTensor): string | undefined {
  const layer = t.sourceLayer as unknown as { outputs?: SymbolicTensor[] };
  if (layer.outputs?.length === 1 && layer.outputs[0] !== t) return activationOf(layer.outputs[0]!);
  if (t.sourceLayer.getClassName() === 'Softmax') return 'softmax';
  const activation = t.sourceLayer.getConfig().activation;
  return typeof activation === 'string' ? activation : undefined;
}

export function outputKind(model: LayersModel): OutputKind {
  const out = model.outputs[0]!;
  return outputKindOf(sizeOf(out.shape.slice(1).map((d) => d ?? 1)), activationOf(out));
}

/** Rows × classes: [1 − p, p] for one unit; logits softmaxed when `softmaxLogits`. */
export function toProbabilities(
  lib: TfjsLibrary,
  y: TfTensor,
  kind: OutputKind,
  softmaxLogits: boolean,
): TfTensor {
  const { core } = lib;
  const rows = core.reshape(y, [y.shape[0] as number, -1]);
  if (kind.binary) {
    const p = kind.binary === 'logit' ? core.sigmoid(rows) : rows;
    return core.concat([core.sub(1, p), p], 1);
  }
  return kind.probabilities || !softmaxLogits ? rows : core.softmax(rows);
}
