// Shared helpers for engine tests: float64 layers and central finite differences.
import * as assert from 'node:assert/strict';
import type { EngineLayer } from '../../../src/core/engine/layers/layer';
import { jsKernels } from '../../../src/core/engine/kernels/kernels';
import { createLayer } from '../../../src/core/engine/network';
import type { LayerSpec } from '../../../src/core/model/network-spec';
import { Rng } from '../../../src/core/random/rng';
import { sizeOf, type Tensor, type Vec } from '../../../src/core/engine/tensor';

export function layer64(spec: LayerSpec, inputShape: number[]): EngineLayer {
  return createLayer(spec, { dtype: 'float64', kernels: jsKernels, inputShape });
}

export function randomTensor(shape: number[], rng: Rng, scale = 1): Tensor {
  const data = new Float64Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = scale * rng.normal();
  return { data, shape };
}

/** Central difference of f with respect to v[i]. */
export function numericGrad(v: Vec, f: () => number, h = 1e-6): Float64Array {
  const g = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const old = v[i] as number;
    v[i] = old + h;
    const plus = f();
    v[i] = old - h;
    const minus = f();
    v[i] = old;
    g[i] = (plus - minus) / (2 * h);
  }
  return g;
}

/** max |a − b| / max(1, |b|) is below `tol`. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
  what: string,
) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < actual.length; i++) {
    const e =
      Math.abs((actual[i] as number) - (expected[i] as number)) /
      Math.max(1, Math.abs(expected[i] as number));
    if (!(e <= worst)) {
      worst = e;
      at = i;
    }
  }
  assert.ok(worst <= tol, `${what}: error ${worst} at [${at}]: ${actual[at]} vs ${expected[at]}`);
}

/**
 * Checks a layer's input and parameter gradients against finite differences of L = Σ r ⊙ layer(x) for a
 * fixed random r. Stochastic layers draw the same masks every call (a fresh Rng with the same seed).
 */
export function checkLayerGradients(
  layer: EngineLayer,
  inputShape: number[],
  training = true,
  seed = 3,
): void {
  const rng = new Rng(seed);
  layer.init(rng);
  // Non-trivial scales and shifts for normalisation layers.
  for (const p of layer.params)
    if (p.name.endsWith('.bias') || p.shape.length === 1)
      for (let i = 0; i < p.value.length; i++) p.value[i] = (p.value[i] as number) + 0.3 * rng.normal();
  const x = randomTensor(inputShape, rng);
  const r = randomTensor([inputShape[0] as number, ...layer.outputShape], rng);
  const loss = () => {
    const y = layer.forward(x, { training, rng: new Rng(99) });
    let s = 0;
    for (let i = 0; i < y.data.length; i++) s += (y.data[i] as number) * (r.data[i] as number);
    return s;
  };
  loss();
  const dx = Float64Array.from((layer.backward(r, true) as Tensor).data);
  const paramGrads = layer.params.map((p) => Float64Array.from(p.grad));
  assertClose(dx, numericGrad(x.data, loss), 1e-6, `${layer.name} dx`);
  layer.params.forEach((p, i) =>
    assertClose(paramGrads[i] as Float64Array, numericGrad(p.value, loss), 1e-6, p.name),
  );
}
