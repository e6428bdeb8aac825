import * as assert from 'node:assert/strict';
import { ACTIVATION_NAMES, erf } from '../../../src/core/engine/layers/activations';
import { meanSquaredError, softmaxCrossEntropy } from '../../../src/core/engine/train/losses';
import { Rng } from '../../../src/core/random/rng';
import { assertClose, checkLayerGradients, layer64, numericGrad, randomTensor } from './helpers';

describe('engine gradients (float64 finite differences)', () => {
  it('erf matches reference values to 1e-13', () => {
    // Values from Abramowitz & Stegun table 7.1 / mpmath.
    const table: [number, number][] = [
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
      [2.5, 0.999593047982555],
      [3, 0.9999779095030014],
      [-1.5, -0.9661051464753108],
    ];
    for (const [x, v] of table) assert.ok(Math.abs(erf(x) - v) < 1e-13, `erf(${x}) = ${erf(x)}`);
  });

  it('dense, with and without bias', () => {
    checkLayerGradients(layer64({ type: 'dense', name: 'd', units: 4 }, [5]), [3, 5]);
    checkLayerGradients(layer64({ type: 'dense', name: 'nb', units: 2, bias: false }, [3]), [4, 3]);
  });

  it('dense with DropConnect (fixed mask)', () => {
    checkLayerGradients(layer64({ type: 'dense', name: 'dc', units: 4, dropConnect: 0.3 }, [5]), [3, 5]);
  });

  for (const activation of ACTIVATION_NAMES) {
    it(`activation ${activation}`, () => {
      checkLayerGradients(layer64({ type: 'activation', name: activation, activation }, [6]), [4, 6]);
    });
  }

  it('conv2d with stride and padding', () => {
    checkLayerGradients(
      layer64({ type: 'conv2d', name: 'c', filters: 3, kernelSize: 3, stride: 2, padding: 1 }, [2, 5, 5]),
      [2, 2, 5, 5],
    );
    checkLayerGradients(
      layer64({ type: 'conv2d', name: 'c1', filters: 2, kernelSize: 2 }, [1, 4, 3]),
      [2, 1, 4, 3],
    );
  });

  for (const pool of ['max', 'avg', 'global-avg'] as const) {
    it(`${pool} pooling`, () => {
      checkLayerGradients(
        layer64({ type: 'pool', name: pool, pool, poolSize: 2, stride: 2 }, [2, 4, 5]),
        [2, 2, 4, 5],
      );
    });
  }

  it('flatten and reshape', () => {
    checkLayerGradients(layer64({ type: 'flatten', name: 'f' }, [2, 3]), [2, 2, 3]);
    checkLayerGradients(layer64({ type: 'reshape', name: 'r', shape: [3, 2] }, [6]), [2, 6]);
  });

  it('batchnorm in training and inference mode, dense and convolutional input', () => {
    checkLayerGradients(layer64({ type: 'batchnorm', name: 'bn' }, [4]), [5, 4], true);
    checkLayerGradients(layer64({ type: 'batchnorm', name: 'bn2d' }, [3, 2, 2]), [4, 3, 2, 2], true);
    checkLayerGradients(layer64({ type: 'batchnorm', name: 'bn-eval' }, [4]), [5, 4], false);
  });

  it('layernorm', () => {
    checkLayerGradients(layer64({ type: 'layernorm', name: 'ln' }, [6]), [3, 6]);
  });

  const variants = [
    { variant: 'standard', rate: 0.4 },
    { variant: 'standard', rate: 0.4, scaling: 'inference-scale' },
    { variant: 'spatial', rate: 0.5 },
    { variant: 'alpha', rate: 0.2 },
    { variant: 'gaussian', rate: 0.3 },
    { variant: 'gaussian-noise', rate: 0, stddev: 0.5 },
  ] as const;
  for (const v of variants) {
    it(`dropout ${v.variant}${'scaling' in v ? ' (classic)' : ''}, training and inference`, () => {
      checkLayerGradients(layer64({ type: 'dropout', name: 'drop', ...v }, [3, 2, 2]), [4, 3, 2, 2], true);
      checkLayerGradients(layer64({ type: 'dropout', name: 'drop', ...v }, [3, 2, 2]), [4, 3, 2, 2], false);
    });
  }

  it('softmax cross-entropy and MSE', () => {
    const rng = new Rng(5);
    const logits = randomTensor([4, 3], rng, 2).data as Float64Array;
    const labels = Int32Array.from([0, 2, 1, 2]);
    const grad = new Float64Array(12);
    softmaxCrossEntropy(logits, labels, 4, 3, grad);
    assertClose(
      grad,
      numericGrad(logits, () => softmaxCrossEntropy(logits, labels, 4, 3)),
      1e-8,
      'CE',
    );
    const target = randomTensor([4, 3], rng).data as Float64Array;
    meanSquaredError(logits, target, 12, grad);
    assertClose(
      grad,
      numericGrad(logits, () => meanSquaredError(logits, target, 12)),
      1e-8,
      'MSE',
    );
  });

  it('softmax cross-entropy equals −log p of the label (closed form)', () => {
    // Logits (0, ln 2, ln 5): p = (1, 2, 5) / 8.
    const loss = softmaxCrossEntropy(
      Float64Array.from([0, Math.log(2), Math.log(5)]),
      Int32Array.from([1]),
      1,
      3,
    );
    assert.ok(Math.abs(loss - Math.log(4)) < 1e-15);
  });
});
