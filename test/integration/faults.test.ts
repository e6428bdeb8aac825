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

const train = (epochs: number, model = 'digits-mlp.nn.json') =>
  vscode.commands.executeCommand<RunSummary[]>('dropoutLens.trainWithDropout', workspaceFile(model), {
    experiment: 'as-is',
    data: 'builtin:digits',
    epochs,
    seed: 1,
  });

interface JobKinds {
  running: string[];
  queued: string[];
}

const jobs = () => vscode.commands.executeCommand<JobKinds>('dropoutLens.test.engine', 'jobs');

/** Polls the worker host until `accept` holds for its jobs (running in the worker, and queued). */
async function waitForJobs(accept: (jobs: JobKinds) => boolean, ms = 30_000): Promise<JobKinds> {
  const deadline = Date.now() + ms;
  for (;;) {
    const now = await jobs();
    if (accept(now)) return now;
    if (Date.now() > deadline)
      throw new Error(`the engine's jobs never matched; last: ${JSON.stringify(now)}; tabs: ${tabs()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The editor groups and their tabs (* marks the active ones), for a failure's message. */
const tabs = () =>
  vscode.window.tabGroups.all
    .map(
      (g) =>
        `${g.viewColumn}${g.isActive ? '*' : ''} [${g.tabs.map((t) => t.label + (t.isActive ? '*' : '')).join(', ')}]`,
    )
    .join(' ');

const trains = (kinds: string[]) => kinds.filter((k) => k === 'train').length;

/** The panel's most epochs: no run ends while a test waits on it (500 once ended under the test's own wait). */
const UNENDING = 10_000;

describe('engine faults in the extension host', () => {
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('a worker crash during training ends the experiment with "the engine stopped", then the next one trains', async () => {
    const training = train(UNENDING);
    // The notification's task is the command's promise: once it settles the notification is closed.
    const settled = training.then(
      () => 'resolved',
      (e: Error) => e.message,
    );
    await waitForJobs((j) => trains(j.running) === 1);
    const crash = await vscode.commands.executeCommand<string>('dropoutLens.test.engine', 'exit');
    assert.equal(crash, 'the engine stopped: its thread exited with code 3');
    assert.equal(await settled, 'the engine stopped: its thread exited with code 3');
    assert.deepEqual(await jobs(), { running: [], queued: [] }, 'no job left waiting on the dead worker');
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
    const training = train(UNENDING);
    await waitForJobs((j) => trains(j.running) === 1);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The job leaves the host's list only when the worker answers that it has stopped.
    await waitForJobs((j) => j.running.length === 0, 5_000);
    assert.deepEqual(await training, [], 'the cancelled run has no summary');
  });

  it('three Train panels at once: two train, the third waits, and closing them all stops all three', async () => {
    const models = ['digits-mlp.nn.json', 'digits-cnn.nn.json', 'keep-prob-mistake.nn.json'];
    const experiments: Thenable<RunSummary[]>[] = [];
    for (const [i, model] of models.entries()) {
      // One panel at a time: each must have loaded its form before the next one hides it.
      const experiment = train(UNENDING, model);
      experiments.push(experiment);
      // An experiment that ends (or fails) before its job is seen says why, instead of a timeout.
      await Promise.race([
        waitForJobs((j) => trains(j.running) + trains(j.queued) === i + 1),
        Promise.resolve(experiment).then((r) => {
          throw new Error(`${model} ended before the others started: ${JSON.stringify(r)}`);
        }),
      ]);
    }
    assert.deepEqual(await jobs(), { running: ['train', 'train'], queued: ['train'] });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitForJobs((j) => j.running.length + j.queued.length === 0, 5_000);
    assert.deepEqual(await Promise.all(experiments), [[], [], []], 'every experiment ended cancelled');
  });
});
