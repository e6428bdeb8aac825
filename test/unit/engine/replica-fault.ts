// A second training thread that fails in the middle of a run, for two-workers.test.ts: the real replica
// thread, except that its fifth optimizer step exits the thread (FAULT=exit) or throws (FAULT=throw).
import { Trainer } from '../../../src/core/engine/train/train';

const update = Trainer.prototype.update;
let steps = 0;
Trainer.prototype.update = function (this: Trainer) {
  if (++steps === 5) {
    if (process.env.DROPOUT_LENS_TEST_FAULT === 'exit') process.exit(3);
    throw new Error('injected fault');
  }
  update.call(this);
};
// Started after the patch: a static import would run before it.
void import('../../../src/core/engine/train/replica-thread.js');
