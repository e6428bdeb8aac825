// The MC run's progress as the notification and the panel say it: work is samples × passes, and the time
// left is the elapsed time scaled by the work still to do.
import * as assert from 'node:assert/strict';
import { progressText, timeLeft, workDone } from '../../../src/protocol/mc-progress';

const at = (samplesDone: number, passesDone: number, elapsedMs: number) => ({
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
  it('counts the batches done and the passes of the batch under way', () => {
    assert.equal(workDone(at(0, 0, 0)), 0);
    // 100 samples × 30 passes done and 100 × 15 of the second batch: 4500 of 12000.
    assert.equal(workDone(at(100, 15, 0)), 4500 / 12000);
    assert.equal(workDone({ ...at(0, 15, 0), batches: 1, samples: 12, batchSamples: 12 }), 0.5);
  });

  it('estimates the time left from the time taken so far', () => {
    assert.equal(timeLeft(at(0, 0, 0)), undefined, 'nothing done: no estimate');
    // One batch of four done in 20 s: 60 s left.
    assert.equal(timeLeft(at(100, 0, 20_000)), '60 s left');
    assert.equal(timeLeft(at(100, 0, 31_000)), '1 min 33 s left');
    assert.equal(progressText(at(100, 0, 20_000)), 'batch 2 / 4: 0 / 30 passes · 60 s left');
    assert.equal(
      progressText({ ...at(0, 10, 1000), batches: 1, batch: 0, samples: 12, batchSamples: 12 }),
      '10 / 30 passes · 2 s left',
    );
  });
});
