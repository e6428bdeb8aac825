// The Train panel's path honours per-layer schedules: the train job the extension starts for an
// experiment (worker host, real worker bundle dist/worker.js, which expands it into runs) trains moons-early-dropout exactly like
// the command line, and like always-on dropout only up to the schedule's epoch.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { WorkerHost } from '../../../src/extension/worker-host';
import { run as cli } from '../cli/run-cli';
import { hostWithHooks, trainRuns } from './host-support';

const SAMPLE = resolve('samples/moons-early-dropout.nn.json');
const EPOCHS = 22;

describe('Train panel path: per-layer dropout schedules (real worker thread)', function () {
  this.timeout(60_000);
  let host: WorkerHost;
  let dir: string;
  before(() => {
    ({ host } = hostWithHooks());
    dir = mkdtempSync(join(tmpdir(), 'dropout-lens-panel-schedule-'));
  });
  after(() => {
    host.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Per-epoch [train loss, val loss] of the "as is" run, started as the panel starts it. */
  async function panelRun(model: string): Promise<[number, number | null][]> {
    const runs = await trainRuns(host, {
      model,
      data: 'builtin:moons',
      epochs: EPOCHS,
      seed: 1,
      experiment: { kind: 'as-is' },
      boundary: { size: 40, every: 1 },
    });
    return (runs[0]?.epochs ?? []).map((e) => [e.trainLoss, e.valLoss]);
  }

  it('trains the sample as the CLI does, and like always-on dropout only for its first 20 epochs', async () => {
    const scheduled = await panelRun(SAMPLE);
    const r = await cli('train', SAMPLE, '--json', '--epochs', String(EPOCHS), '--seed', '1');
    const fromCli = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { epoch?: number; trainLoss: number; valLoss: number | null })
      .filter((e) => e.epoch !== undefined)
      .map((e) => [e.trainLoss, e.valLoss]);
    assert.deepEqual(scheduled, fromCli);

    const model = JSON.parse(readFileSync(SAMPLE, 'utf8')) as { layers: Record<string, unknown>[] };
    for (const layer of model.layers) delete layer.schedule;
    const always = join(dir, 'always.nn.json');
    writeFileSync(always, JSON.stringify(model));
    const constant = await panelRun(always);
    assert.deepEqual(scheduled.slice(0, 20), constant.slice(0, 20));
    for (let e = 20; e < EPOCHS; e++) assert.notDeepEqual(scheduled[e], constant[e], `epoch ${e + 1}`);
  });
});
