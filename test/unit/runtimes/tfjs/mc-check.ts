// Runs the product's MC passes of an McModel, and compares MC figures with a reference within k standard errors.
import * as assert from 'node:assert/strict';
import { runMcPasses } from '../../../../src/core/engine/mc/mc';
import type { McModel } from '../../../../src/core/engine/mc/runtime';
import type { Tensor } from '../../../../src/core/engine/tensor';
import type { McFigures } from './support';

/** Every pass's probabilities of the product's run (pass-major), from its chunks. */
export async function productPasses(
  model: McModel,
  x: Tensor,
  passes: number,
  seed: number,
): Promise<{ probs: Float32Array; classes: number; prefixLayers: number }> {
  const mc = await model.passes(x, { passes, seed });
  const n = x.shape[0] as number;
  const probs = new Float32Array(passes * n * mc.classes);
  const result = await runMcPasses(
    mc,
    { passes, seed },
    {
      onChunk: (chunk, first) => probs.set(chunk, first * n * mc.classes),
    },
  );
  return { probs, classes: mc.classes, prefixLayers: result.prefixLayers };
}

/** k standard errors: each check compares dozens of numbers, so 4.5 keeps a chance failure below 1e-4. */
export const K = 4.5;

export function assertAgree(ours: McFigures, ref: McFigures, what: string): void {
  const within = (a: number, b: number, seA: number, seB: number, name: string) => {
    const tolerance = K * Math.hypot(seA, seB) + 1e-6;
    assert.ok(
      Math.abs(a - b) <= tolerance,
      `${what}: ${name} ${a.toFixed(5)} vs reference ${b.toFixed(5)} (tolerance ${tolerance.toFixed(5)})`,
    );
  };
  within(ours.meanEntropy, ref.meanEntropy, ours.meanEntropySe, ref.meanEntropySe, 'mean entropy');
  within(
    ours.meanMutualInfo,
    ref.meanMutualInfo,
    ours.meanMutualInfoSe,
    ref.meanMutualInfoSe,
    'mean mutual information',
  );
  for (let i = 0; i < ours.mean.length; i++)
    within(ours.mean[i]!, ref.mean[i]!, ours.meanSe[i]!, ref.meanSe[i]!, `mean probability ${i}`);
}
