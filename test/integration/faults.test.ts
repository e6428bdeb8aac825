// Engine faults in the real extension host: the worker is broken on purpose (the test-only command that
// test/support/integration.mjs enables with DROPOUT_LENS_TEST_HOOKS=1) while the Train panel trains.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { workspaceFile } from './helpers';

interface RunSummary {
  run: string;
  epochs: number;
  valAcc: number | null;
  cancelled: boolean;
}

const train = (epochs: number) =>
  vscode.commands.executeCommand<RunSummary[]>(
    'dropoutLens.trainWithDropout',
    workspaceFile('digits-mlp.nn.json'),
    {
      experiment: 'as-is',
      data: 'builtin:digits',
      epochs,
      seed: 1,
    },
  );

const running = () => vscode.commands.executeCommand<string[]>('dropoutLens.test.engine', 'running');

/** Polls the worker host until `accept` holds for the kinds of the jobs in the worker. */
async function waitForJobs(accept: (kinds: string[]) => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!accept(await running())) {
    if (Date.now() > deadline) throw new Error(`jobs in the worker never matched; last: ${await running()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('engine faults in the extension host', () => {
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('a worker crash during training ends the experiment with "the engine stopped", then the next one trains', async () => {
    const training = train(500);
    // The notification's task is the command's promise: once it settles the notification is closed.
    const settled = training.then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    await waitForJobs((kinds) => kinds.includes('train'));
    const crash = await vscode.commands.executeCommand<string>('dropoutLens.test.engine', 'exit');
    assert.equal(crash, 'the engine stopped: its thread exited with code 3');
    assert.equal(await settled, 'the engine stopped: its thread exited with code 3');
    assert.deepEqual(await running(), [], 'no job left waiting on the dead worker');
    const next = await train(2);
    assert.deepEqual(
      next.map((r) => [r.run, r.epochs, r.cancelled]),
      [['dropout', 2, false]],
    );
    assert.ok(
      (next[0]?.valAcc ?? 0) > 0.8,
      `val acc ${next[0]?.valAcc} after 2 epochs on a restarted worker`,
    );
  });

  it('closing the Train panel stops its job in the worker', async () => {
    const training = train(500);
    await waitForJobs((kinds) => kinds.includes('train'));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The job leaves the host's list only when the worker answers that it has stopped.
    await waitForJobs((kinds) => kinds.length === 0, 5_000);
    assert.deepEqual(await training, [], 'the cancelled run has no summary');
  });
});
