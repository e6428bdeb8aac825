// What a tfjs model's output is, and how it becomes per-class probabilities: a softmax output is used as
// it is, several other units are logits (softmaxed), and one unit is a binary classifier, [1 − p, p] with
// p the unit itself after a sigmoid or its sigmoid otherwise (a logit, as Keras's from_logits heads give).
import type { Tensor as TfTensor } from '@tensorflow/tfjs-core';
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import { sizeOf } from '../../engine/tensor';
import type { TfjsLibrary } from './load-library';

export interface OutputKind {
  classes: number;
  /** toProbabilities gives probabilities (false: logits, softmaxed later). */
  probabilities: boolean;
  /** One output unit: a probability (after a sigmoid) or a logit. */
  binary?: 'probability' | 'logit';
}

/** The kind of an output `width` units wide made by `activation` ("softmax", "sigmoid", …). */
export function outputKindOf(width: number, activation: string | undefined): OutputKind {
  if (width === 1)
    return { classes: 2, probabilities: true, binary: activation === 'sigmoid' ? 'probability' : 'logit' };
  return { classes: width, probabilities: activation === 'softmax' };
}

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
