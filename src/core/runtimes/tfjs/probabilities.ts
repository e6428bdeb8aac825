// What a tfjs model's output is, and how it becomes per-class probabilities: a softmax output is used as
// it is, one sigmoid unit is the two-class distribution [1 − p, p], anything else is logits (softmaxed).
import type { Tensor as TfTensor } from '@tensorflow/tfjs-core';
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import { sizeOf } from '../../engine/tensor';
import type { TfjsLibrary } from './load-library';

export interface OutputKind {
  classes: number;
  /** The model gives probabilities (after toProbabilities); false: logits. */
  probabilities: boolean;
  /** One sigmoid unit. */
  binary: boolean;
}

/** The activation that made `t`, looking into a nested model's output. */
function activationOf(t: SymbolicTensor): string | undefined {
  const layer = t.sourceLayer as unknown as { outputs?: SymbolicTensor[] };
  if (layer.outputs?.length === 1 && layer.outputs[0] !== t) return activationOf(layer.outputs[0]!);
  const config = t.sourceLayer.getConfig();
  if (t.sourceLayer.getClassName() === 'Softmax') return 'softmax';
  return typeof config.activation === 'string' ? config.activation : undefined;
}

export function outputKind(model: LayersModel): OutputKind {
  const out = model.outputs[0]!;
  const width = sizeOf(out.shape.slice(1).map((d) => d ?? 1));
  const activation = activationOf(out);
  if (activation === 'sigmoid' && width === 1) return { classes: 2, probabilities: true, binary: true };
  return { classes: width, probabilities: activation === 'softmax', binary: false };
}

/** Rows × classes: [1 − p, p] for one sigmoid unit; logits softmaxed when `softmaxLogits`. */
export function toProbabilities(
  lib: TfjsLibrary,
  y: TfTensor,
  kind: OutputKind,
  softmaxLogits: boolean,
): TfTensor {
  const { core } = lib;
  const rows = core.reshape(y, [y.shape[0] as number, -1]);
  if (kind.binary) return core.concat([core.sub(1, rows), rows], 1);
  return kind.probabilities || !softmaxLogits ? rows : core.softmax(rows);
}
