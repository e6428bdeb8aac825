// The worker's message handler with the real jobs: the size limit the extension sends reaches the file
// reads, and a malformed request is answered with an error naming the field instead of starting a job.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FromWorker } from '../../../src/protocol/worker';
import { createDispatcher } from '../../../src/worker/dispatch';
import { JOB_HANDLERS } from '../../../src/worker/jobs';

function run(message: unknown): Promise<FromWorker[]> {
  const posted: FromWorker[] = [];
  const logged: string[] = [];
  return new Promise((resolve) => {
    const dispatch = createDispatcher(
      (m) => {
        posted.push(m);
        if (m.type !== 'progress') resolve(posted);
      },
      JOB_HANDLERS,
      (line) => logged.push(line),
    );
    dispatch(message);
    setTimeout(() => resolve(posted), 5000);
  });
}

describe('worker message handler', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'dl-dispatch-'));
    writeFileSync(join(dir, 'big.onnx'), new Uint8Array(3 * 2 ** 20));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('passes the size limit of the start message to the job, which refuses a larger file unread', async () => {
    const file = join(dir, 'big.onnx');
    const replies = await run({
      type: 'start',
      jobId: 7,
      kind: 'lint',
      maxFileBytes: 2 ** 20,
      request: { files: [file, 'samples/digits-mlp.nn.json'], config: { rules: {} } },
    });
    const results = replies.flatMap((r) =>
      r.type === 'progress' ? [(r.progress as { result: { error?: { message: string } } }).result] : [],
    );
    assert.equal(results.length, 2);
    assert.match(
      results[0]?.error?.message ?? '',
      /big\.onnx is 3 MB \(3145728 bytes\), more than the 1 MB limit set by dropoutLens\.maxFileSizeMB/,
    );
    assert.equal(results[1]?.error, undefined, 'the small file next to it is still linted');
    const done = replies.at(-1) as Extract<FromWorker, { type: 'done' }>;
    assert.equal(done.type, 'done');
    const summary = done.result as { files: number; errors: number };
    assert.deepEqual([summary.files, summary.errors], [2, 1]);
  });

  it('answers a malformed request with an error naming the field, and starts nothing', async () => {
    const replies = await run({
      type: 'start',
      jobId: 8,
      kind: 'mc',
      request: { model: 'm.onnx', passes: -3, seed: 0, masks: 'fresh' },
    });
    assert.deepEqual(replies, [
      { type: 'error', jobId: 8, message: 'mc request: field "passes" is missing or invalid' },
    ]);
    assert.deepEqual(await run({ type: 'start', jobId: 9, kind: 'format-disk', request: {} }), [
      { type: 'error', jobId: 9, message: 'unknown job kind "format-disk"' },
    ]);
  });
});
