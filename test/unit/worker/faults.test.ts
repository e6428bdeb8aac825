// Faults in the real engine worker, seen through the WorkerHost the extension uses: a crash fails the
// running jobs with "the engine stopped: …" and nothing else, queued jobs run on a fresh worker, and a
// cancelled job really stops computing. Prints a table of the faults injected and what happened.
import * as assert from 'node:assert/strict';
import {
  TEST_HOOKS_ENV,
  type EngineFault,
  type Jobs,
  type RunFinished,
  type TrainProgress,
} from '../../../src/protocol/worker';
import { readFileSync } from 'node:fs';
import {
  HEAP_LIMIT_MB,
  JobCancelledError,
  MAX_RUNNING,
  type WorkerHost,
} from '../../../src/extension/worker-host';
import { hostWithHooks, TestToken, trainRuns, workerBusy } from './host-support';

type TrainRequest = Jobs['train']['request'];
const long: TrainRequest = {
  model: 'samples/digits-mlp.nn.json',
  data: 'builtin:digits',
  epochs: 500,
  seed: 1,
};
const short: TrainRequest = { model: 'samples/moons-early-dropout.nn.json', epochs: 2, seed: 1 };

/** Outcome of a job as one word or its error message. */
function outcome(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'done',
    (e: Error) => (e instanceof JobCancelledError ? 'cancelled' : e.message),
  );
}

/** Resolves once the train job has reported its first finished epoch. */
function trainUntilEpoch(host: WorkerHost, request: TrainRequest, token?: TestToken) {
  let epochs = 0;
  let epochSeen!: () => void;
  const started = new Promise<void>((r) => (epochSeen = r));
  const job = host.run(
    'train',
    request,
    (p: TrainProgress | RunFinished) => {
      if ('metrics' in p && p.metrics && ++epochs === 1) epochSeen();
    },
    token,
  );
  return { job, started, epochs: () => epochs };
}

const table: string[][] = [];

describe('engine faults (real worker thread)', function () {
  this.timeout(60_000);
  let host: WorkerHost;
  let errors: string[];
  afterEach(() => host.dispose());
  after(() => {
    const header = ['fault injected', 'running jobs', 'queued job', 'next job'];
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => (r[i] ?? '').length)));
    const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
    console.log(['', line(header), line(widths.map((w) => '-'.repeat(w))), ...table.map(line)].join('\n'));
  });

  const faults: [EngineFault, RegExp][] = [
    ['throw', /^the engine stopped: injected fault: uncaught exception in the engine$/],
    ['exit', /^the engine stopped: its thread exited with code 3$/],
    ['oom', /^the engine stopped: it ran out of memory \(the job needed more than 256 MB of JS heap\)$/],
  ];
  for (const [fault, expected] of faults) {
    it(`${fault}: fails the running jobs, runs the queued one on a fresh worker, then the next job`, async () => {
      // A heap limit low enough that the injected leak reaches it in a moment, high enough for training.
      ({ host, errors } = hostWithHooks({ heapLimitMb: 256 }));
      const a = trainUntilEpoch(host, long);
      const b = trainUntilEpoch(host, long);
      const queued = outcome(host.run('train', short, () => undefined));
      await Promise.all([a.started, b.started]);
      const crash = await outcome(host.run('fault', { fault }, () => undefined));
      const [ra, rb] = await Promise.all([outcome(a.job), outcome(b.job)]);
      assert.match(ra, expected);
      assert.equal(rb, ra);
      assert.equal(crash, ra, 'the fault job itself was running');
      assert.equal(await queued, 'done', 'the queued job ran on a restarted worker');
      const next = await trainRuns(host, short);
      assert.equal(next[0]?.epochs.length, 2);
      assert.ok((next[0]?.epochs[1]?.valAcc ?? 0) > 0.8, 'the fresh worker trains as well as before');
      assert.ok(
        errors.some((e) => e.includes('the engine stopped')),
        'the crash is in the log',
      );
      table.push([fault, `2 failed: "${ra}"`, 'ran to the end on a new worker', 'trained (2 epochs)']);
    });
  }

  it('hang: a cancelled job that never yields is ended by a worker restart, the next job runs', async () => {
    ({ host, errors } = hostWithHooks({ cancelGraceMs: 1000 }));
    const a = trainUntilEpoch(host, long);
    await a.started;
    const token = new TestToken();
    const hung = outcome(host.run('fault', { fault: 'hang' }, () => undefined, token));
    await new Promise((r) => setTimeout(r, 300));
    token.cancel();
    assert.equal(await hung, 'cancelled', 'the job the user cancelled ends as cancelled');
    const ra = await outcome(a.job);
    assert.equal(ra, 'the engine stopped: a cancelled job did not stop within 1 s');
    // The spinning thread is gone: this process (all its threads) is nearly idle now.
    const cpu = process.cpuUsage();
    await new Promise((r) => setTimeout(r, 500));
    const used = process.cpuUsage(cpu);
    const busy = (used.user + used.system) / 1000 / 500;
    assert.ok(busy < 0.3, `the process used ${pct(busy)} of a core after the restart`);
    assert.equal(await outcome(host.run('train', short, () => undefined)), 'done');
    assert.ok(
      errors.some((e) => e.includes('did not stop')),
      'the restart is in the log',
    );
    table.push([
      'hang, then cancel',
      `cancelled job ends; the other: "${ra}"; CPU ${pct(busy)} after`,
      '',
      'trained (2 epochs)',
    ]);
  });

  it('a cancelled train job stops computing in the worker, not only in the host', async () => {
    ({ host } = hostWithHooks());
    const token = new TestToken();
    const train = trainUntilEpoch(host, long, token);
    await train.started;
    const busyTraining = await workerBusy(host, 300);
    token.cancel();
    assert.equal(await outcome(train.job), 'cancelled');
    const epochsAtCancel = train.epochs();
    const busyAfter = await workerBusy(host, 500);
    assert.ok(busyTraining > 0.5, `the worker was busy ${(100 * busyTraining).toFixed(0)}% while training`);
    assert.ok(busyAfter < 0.1, `the worker was busy ${(100 * busyAfter).toFixed(0)}% after the cancel`);
    assert.equal(train.epochs(), epochsAtCancel, 'no epoch after the cancel');
    assert.equal(token.listening, 0, 'the host stopped listening to the token');
    table.push([
      'cancel (panel closed) while training',
      `cancelled; worker busy ${pct(busyTraining)} before, ${pct(busyAfter)} after`,
      '',
      '',
    ]);
  });

  it('a cancelled MC job stops computing in the worker', async () => {
    ({ host } = hostWithHooks());
    const token = new TestToken();
    let partials = 0;
    let firstPartial!: () => void;
    const started = new Promise<void>((r) => (firstPartial = r));
    const mc = host.run(
      'mc',
      { model: 'samples/digits-mlp.nn.json', passes: 100_000, seed: 1, masks: 'fresh', train: true },
      (p) => {
        if (p.phase === 'mc' && ++partials === 1) firstPartial();
      },
      token,
    );
    await started;
    token.cancel();
    assert.equal(await outcome(mc), 'cancelled');
    const seen = partials;
    const busyAfter = await workerBusy(host, 500);
    assert.ok(busyAfter < 0.1, `the worker was busy ${(100 * busyAfter).toFixed(0)}% after the cancel`);
    assert.equal(partials, seen, 'no MC progress after the cancel');
    table.push([
      'cancel (panel closed) during MC passes',
      `cancelled; worker busy ${pct(busyAfter)} after`,
      '',
      '',
    ]);
  });

  it('ten parallel jobs: two run, eight wait with "n ahead", a queued one cancels at once', async () => {
    ({ host } = hostWithHooks());
    const firstAhead: (number | undefined)[] = Array<undefined>(10).fill(undefined);
    let running = 0;
    let most = 0;
    const tokens = Array.from({ length: 10 }, () => new TestToken());
    const jobs = tokens.map((token, i) => {
      let began = false;
      return outcome(
        host
          .run(
            'train',
            short,
            () => {
              if (began) return;
              began = true;
              most = Math.max(most, ++running);
            },
            token,
            (ahead) => (firstAhead[i] ??= ahead),
          )
          .finally(() => began && running--),
      );
    });
    assert.deepEqual(host.jobKinds(), { running: ['train', 'train'], queued: Array(8).fill('train') });
    tokens[9]?.cancel();
    assert.equal(await jobs[9], 'cancelled', 'a queued job cancels without waiting for a slot');
    const outcomes = await Promise.all(jobs.slice(0, 9));
    assert.deepEqual(outcomes, Array(9).fill('done'));
    assert.deepEqual(firstAhead, [undefined, undefined, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(most, MAX_RUNNING, 'never more than two running at once');
    table.push([
      '10 train jobs at once',
      `at most ${most} running`,
      'queued (2 ahead) … (9 ahead); #10 cancelled while queued',
      '9 done',
    ]);
  });

  it('real jobs fit in an eighth of the heap limit: the largest model read, a CNN trained', async () => {
    ({ host } = hostWithHooks({ heapLimitMb: HEAP_LIMIT_MB / 8 }));
    const path = 'test/fixtures/tfjs-graph-nsfwjs-mobilenet_v2_mid/model.json';
    const read = await host.run(
      'model',
      { path, bytes: readFileSync(path), config: { rules: {} } },
      () => undefined,
    );
    assert.ok('model' in read && read.model.rows.length > 100, 'the 4 MB MobileNet graph model reads');
    const cnn = { model: 'samples/digits-cnn.nn.json', data: 'builtin:digits', epochs: 1, seed: 1 };
    assert.equal(await outcome(host.run('train', cnn, () => undefined)), 'done');
  });

  it('refuses the test hooks when they are not enabled, and keeps running', async () => {
    ({ host } = hostWithHooks());
    process.env[TEST_HOOKS_ENV] = '0';
    try {
      const refused = await outcome(host.run('fault', { fault: 'exit' }, () => undefined));
      assert.equal(refused, '"fault" is a test hook and is not enabled');
    } finally {
      process.env[TEST_HOOKS_ENV] = '1';
    }
    assert.equal(await outcome(host.run('train', short, () => undefined)), 'done');
  });
});

const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
