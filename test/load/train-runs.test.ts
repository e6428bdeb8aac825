// Load: 20 consecutive training runs in the real worker (the Train panel's job, 3 epochs of digits each).
// After two warm-up runs, the heaps (worker and host) may not grow more than 10% over the other 18.
import * as assert from 'node:assert/strict';
import type { WorkerHost } from '../../src/extension/worker-host';
import { hostWithHooks, trainRuns } from '../unit/worker/host-support';
import { heaps, report } from './heap';

const RUNS = 20;
const WARM_UP = 2;

describe('load: 20 consecutive training runs in the worker', function () {
  this.timeout(120_000);
  let host: WorkerHost;
  before(() => ({ host } = hostWithHooks()));
  after(() => host.dispose());

  const train = (seed: number) =>
    trainRuns(host, {
      model: 'samples/digits-mlp.nn.json',
      data: 'builtin:digits',
      epochs: 3,
      seed,
    });

  it('trains every run to a useful accuracy with heap growth within 10% after the warm-up', async () => {
    const started = performance.now();
    const accuracies: number[] = [];
    const record = async (seed: number) => {
      const runs = await train(seed);
      accuracies.push(runs[0]?.epochs[2]?.valAcc ?? 0);
    };
    for (let seed = 1; seed <= WARM_UP; seed++) await record(seed);
    const before = await heaps(host);
    for (let seed = WARM_UP + 1; seed <= RUNS; seed++) await record(seed);
    const after = await heaps(host);
    const seconds = (performance.now() - started) / 1000;

    assert.equal(accuracies.length, RUNS);
    // 3 epochs of an MLP on the 8×8 digits reach ~90% validation accuracy from any seed.
    for (const [i, acc] of accuracies.entries()) assert.ok(acc > 0.8, `run ${i + 1}: val acc ${acc}`);
    const growth = report(`${RUNS} runs (${WARM_UP} warm-up) in ${seconds.toFixed(1)} s`, before, after);
    assert.ok(growth.worker <= 0.1, `worker heap grew ${(100 * growth.worker).toFixed(1)}%`);
    assert.ok(growth.host <= 0.1, `host heap grew ${(100 * growth.host).toFixed(1)}%`);
  });
});
