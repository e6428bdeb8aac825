// `train --workers`: two workers give one worker's epochs up to float rounding and say so in the summary;
// a model that cannot be split trains on one, with the reason on stderr (stdout stays JSON lines); a bad
// value is a usage error.
import * as assert from 'node:assert/strict';
import { run } from './run-cli';

interface Summary {
  summary: { runs: { workers: number; oneWorkerReason?: string; trainLoss: number; valLoss: number }[] };
}
const summaryOf = (out: string) => JSON.parse(out.trim().split('\n').pop() as string) as Summary;

describe('dropout-lens train --workers', () => {
  it('trains the digits MLP on two workers as on one, up to float rounding', async () => {
    const [one, two] = [
      await run('train', 'samples/digits-mlp.nn.json', '--epochs', '2', '--json'),
      await run('train', 'samples/digits-mlp.nn.json', '--epochs', '2', '--workers', '2', '--json'),
    ];
    assert.equal(two.code, 0, two.err);
    assert.equal(two.err, '');
    const [a, b] = [summaryOf(one.out).summary.runs[0], summaryOf(two.out).summary.runs[0]];
    assert.ok(a && b);
    assert.deepEqual([a.workers, b.workers], [1, 2]);
    assert.ok(Math.abs(a.trainLoss - b.trainLoss) < 1e-6 && Math.abs(a.valLoss - b.valLoss) < 1e-6);
  });

  it('trains batch norm on one worker and says why on stderr', async () => {
    const r = await run('train', 'samples/digits-cnn.nn.json', '--epochs', '1', '--workers', '2', '--json');
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /train: run "dropout" trained on one thread: batch norm normalises/);
    assert.equal(summaryOf(r.out).summary.runs[0]?.workers, 1);
  });

  it('refuses a count other than 1, 2 or auto', async () => {
    const r = await run('train', 'samples/digits-mlp.nn.json', '--workers', '3');
    assert.equal(r.code, 2);
    assert.match(r.err, /--workers must be 1, 2 or auto, not "3"/);
  });
});
