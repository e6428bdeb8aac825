// The MC run's progress as the notification and the panel say it: the batch and pass, and the time left,
// the elapsed time scaled by the work still to do.
import * as assert from 'node:assert/strict';
import { progressText, timeLeft } from '../../../src/protocol/mc-progress';

const at = (samplesDone: number, passesDone: number, elapsedMs: number) => ({
  fraction: (samplesDone * 30 + 100 * passesDone) / (400 * 30),
  batch: samplesDone / 100,
  batches: 4,
  samplesDone,
  samples: 400,
  batchSamples: 100,
  passesDone,
  passes: 30,
  elapsedMs,
});

describe('MC progress', () => {
  it('estimates the time left from the time taken so far', () => {
    assert.equal(timeLeft(at(0, 0, 0)), undefined, 'nothing done: no estimate');
    // One batch of four done in 20 s: 60 s left.
    assert.equal(timeLeft(at(100, 0, 20_000)), '60 s left');
    assert.equal(timeLeft(at(100, 0, 31_000)), '1 min 33 s left');
    assert.equal(progressText(at(100, 0, 20_000)), 'batch 2 / 4: 0 / 30 passes · 60 s left');
    assert.equal(
      progressText({
        ...at(0, 10, 1000),
        batches: 1,
        batch: 0,
        samples: 12,
        batchSamples: 12,
        fraction: 1 / 3,
      }),
      '10 / 30 passes · 2 s left',
    );
  });
});
