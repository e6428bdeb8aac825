// `dropout-lens train` honours each layer's schedule: an early layer trains exactly like always-on dropout
// up to its epoch and not after; a late one exactly like no dropout (the --compare run) up to its epoch and
// not after; the moons-early-dropout sample does what its description says.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './run-cli';

interface EpochLine {
  run: string;
  epoch: number;
  trainLoss: number;
  valLoss: number;
}

const SAMPLE = 'samples/moons-early-dropout.nn.json';

let dir: string;
/** The sample with its layers changed by `edit`, written to a temporary file. */
function variant(
  name: string,
  edit: (layer: Record<string, unknown>) => Record<string, unknown> | null,
): string {
  const model = JSON.parse(readFileSync(SAMPLE, 'utf8')) as { layers: Record<string, unknown>[] };
  model.layers = model.layers.map(edit).filter((l): l is Record<string, unknown> => l !== null);
  const path = join(dir, `${name}.nn.json`);
  writeFileSync(path, JSON.stringify(model));
  return path;
}

const schedule = (s: object | undefined) => (l: Record<string, unknown>) => {
  if (l.type !== 'dropout') return l;
  const rest = { ...l };
  delete rest.schedule;
  return s ? { ...rest, schedule: s } : rest;
};

/** Per-epoch losses of each run, by run name. */
async function train(model: string, ...flags: string[]): Promise<Map<string, [number, number][]>> {
  const r = await run('train', model, '--json', ...flags);
  assert.equal(r.code, 0, r.err);
  const runs = new Map<string, [number, number][]>();
  for (const line of r.out.trim().split('\n')) {
    const e = JSON.parse(line) as EpochLine;
    if (e.epoch === undefined) continue;
    runs.set(e.run, [...(runs.get(e.run) ?? []), [e.trainLoss, e.valLoss]]);
  }
  return runs;
}

const first = (runs: Map<string, [number, number][]>, name = 'dropout') => runs.get(name) ?? [];

describe('dropout-lens train: per-layer dropout schedules', function () {
  this.timeout(60_000);
  before(() => (dir = mkdtempSync(join(tmpdir(), 'dropout-lens-schedule-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the sample: dropout like always-on for its first 20 epochs, then off', async () => {
    const sample = first(await train(SAMPLE, '--epochs', '24'));
    const always = first(await train(variant('always', schedule(undefined)), '--epochs', '24'));
    assert.equal(sample.length, 24);
    assert.deepEqual(sample.slice(0, 20), always.slice(0, 20));
    for (let e = 20; e < 24; e++) assert.notDeepEqual(sample[e], always[e], `epoch ${e + 1}`);
  });

  it('late: exactly like the run without dropout (--compare) up to its epoch, then on', async () => {
    const runs = await train(
      variant('late', schedule({ kind: 'late', epoch: 6 })),
      '--epochs',
      '9',
      '--compare',
    );
    const late = first(runs);
    const none = first(runs, 'no-dropout');
    assert.deepEqual(late.slice(0, 6), none.slice(0, 6));
    for (let e = 6; e < 9; e++) assert.notDeepEqual(late[e], none[e], `epoch ${e + 1}`);
  });

  it('two layers on different schedules: early on one, late on the other', async () => {
    let index = 0;
    const both = variant('both', (l) =>
      l.type !== 'dropout'
        ? l
        : {
            ...schedule(undefined)(l),
            schedule: index++ === 0 ? { kind: 'early', epoch: 3 } : { kind: 'late', epoch: 6 },
          },
    );
    let kept = 0;
    const onlyFirst = variant('first', (l) =>
      l.type !== 'dropout' ? l : kept++ === 0 ? schedule(undefined)(l) : null,
    );
    const runs = await train(both, '--epochs', '8', '--compare');
    const scheduled = first(runs);
    // Epochs 1-3: only the first layer is on, and the second draws nothing.
    assert.deepEqual(scheduled.slice(0, 3), first(await train(onlyFirst, '--epochs', '3')));
    // Epochs 4-6 have no dropout; from epoch 7 the second layer is on.
    assert.notDeepEqual(scheduled.slice(3), first(runs, 'no-dropout').slice(3));
  });

  it('refuses a schedule written with "type", naming "kind"', async () => {
    const old = variant('old', (l) =>
      l.type === 'dropout' ? { ...l, schedule: { type: 'early', epoch: 2 } } : l,
    );
    const r = await run('train', old, '--json');
    assert.equal(r.code, 2);
    assert.match(r.err, /schedule: unknown property "type"; allowed here: kind, epoch/);
  });
});
