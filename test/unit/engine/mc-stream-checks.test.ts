// An MC run refuses what would come out as wrong figures without a word: a NaN input (it would be the
// most certain sample, entropy 0), a label the model has no class for (its NLL would be null), and an
// image folder with more class folders than the model has classes.
import * as assert from 'node:assert/strict';
import { DataError, type Dataset } from '../../../src/core/data/dataset';
import { datasetStream } from '../../../src/core/data/dataset-stream';
import { networkMcModel } from '../../../src/core/engine/mc/own-model';
import { runMcStream } from '../../../src/core/engine/mc/run-stream';
import { Network } from '../../../src/core/engine/network';
import { Rng } from '../../../src/core/random/rng';

function threeClassNet(): Network {
  const net = new Network(
    [4],
    [
      { type: 'dense', name: 'fc', units: 8 },
      { type: 'dropout', name: 'drop', variant: 'standard', rate: 0.3 },
      { type: 'dense', name: 'out', units: 3 },
      { type: 'activation', name: 'softmax', activation: 'softmax' },
    ],
  );
  net.init(new Rng(4));
  return net;
}

const data = (n: number): Dataset => ({
  x: Float32Array.from({ length: n * 4 }, (_, i) => (i % 7) / 7),
  y: Int32Array.from({ length: n }, (_, i) => i % 3),
  n,
  shape: [4],
  classes: 3,
});

const run = (stream: ReturnType<typeof datasetStream>) =>
  runMcStream(networkMcModel(threeClassNet()), stream, { passes: 4, seed: 1, batchSize: 4 });

describe('MC run input checks', () => {
  it('refuses a NaN input, naming the sample', async () => {
    const d = data(10);
    d.x[6 * 4 + 2] = Number.NaN;
    await assert.rejects(run(datasetStream(d, 'x.npy')), (e: Error) => {
      assert.ok(e instanceof DataError);
      assert.match(e.message, /x\.npy: sample row 6 has a value that is not a finite number \(NaN\)/);
      return true;
    });
  });

  it('refuses an infinite input too', async () => {
    const d = data(5);
    d.x[0] = Number.POSITIVE_INFINITY;
    await assert.rejects(run(datasetStream(d, 'x.npy')), /sample row 0 .*Infinity/);
  });

  it("refuses a label outside the model's classes (99 on 3 classes), naming the sample", async () => {
    const d = data(10);
    d.y[9] = 99;
    await assert.rejects(
      run(datasetStream(d, 'x.npy')),
      /x\.npy: sample row 9 has label 99; the model has 3 classes \(0 to 2\)/,
    );
  });

  it('refuses a folder with more class folders than the model has classes', async () => {
    const stream = { ...datasetStream(data(6), 'pets'), classNames: ['cat', 'dog', 'fox', 'owl'] };
    await assert.rejects(
      run(stream),
      /pets: 4 class folders \(cat, dog, fox, owl\), but the model has 3 classes/,
    );
  });

  it('runs labels 0 to 2 and unlabelled samples (−1)', async () => {
    const d = data(6);
    d.y[5] = -1;
    const result = await run(datasetStream(d, 'x.npy'));
    assert.equal(result.summary.n, 6);
  });
});
