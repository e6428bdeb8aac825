// The data chooser's rules on the extension side: which pick it takes, and what a job is given for it,
// down to the data set the job reads (a model whose training block names its CSV's class column by number).
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SIZE_LIMIT } from '../../../src/core/io/size-limit';
import { trainingSpec } from '../../../src/core/model/training-spec';
import { openModel } from '../../../src/core/formats/detect';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { checkPick, jobDataFor, labelName } from '../../../src/extension/data/pick';
import { pickIn, specBase, type DataChoice } from '../../../src/protocol/data-choice';
import { jobData, modelInput } from '../../../src/worker/job-data';

const context = { limit: DEFAULT_SIZE_LIMIT, isCancelled: () => false, progress: () => undefined };

describe('data picks', () => {
  let dir: string;
  let model: string;
  let csv: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'data-pick-'));
    // A `?` in a file name is part of the name, not a data set's options.
    csv = join(dir, 'moons?v2.csv');
    writeFileSync(csv, 'cls,x,y\n0,0.1,0.2\n1,0.9,0.8\n2,0.5,0.5\n');
    const nn = JSON.parse(readFileSync('samples/moons-mc.nn.json', 'utf8')) as Record<string, unknown>;
    nn.training = { data: 'moons?v2.csv', labelColumn: 0, epochs: 3, seed: 1 };
    model = join(dir, 'm.nn.json');
    writeFileSync(model, JSON.stringify(nn));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const choice: () => DataChoice = () => ({
    spec: csv,
    label: 'moons?v2.csv',
    kind: 'csv',
    features: 2,
    columns: ['cls', 'x', 'y'],
  });

  it("runs the model's own CSV with the class column its training block numbers", async () => {
    const input = await modelInput({ model }, context);
    assert.ok(!('error' in input), JSON.stringify(input));
    assert.equal(input.data, csv);
    assert.equal(input.labelColumn, 0);
    const labelColumn = labelName(input.labelColumn, choice().columns);
    assert.equal(labelColumn, 'cls');
    // The page runs with the column offered: the job reads the training block's data itself…
    const request = jobDataFor({ data: specBase(csv), labelColumn }, { data: csv, labelColumn: 'cls' });
    assert.deepEqual(request, {});
    const spec = trainingSpec(openModel(nodeModelSource(model, DEFAULT_SIZE_LIMIT)));
    const read = jobData({ model, ...request }, spec, DEFAULT_SIZE_LIMIT).data;
    // …with column 0 as the class: three classes, two features.
    assert.equal(read.classes, 3);
    assert.deepEqual(read.shape, [2]);
  });

  it('gives a job the pick when the user picks another column or other data', () => {
    const training = { data: csv, labelColumn: 'cls' };
    assert.deepEqual(jobDataFor(training, { data: csv, labelColumn: 'y' }), { data: csv, labelColumn: 'y' });
    assert.deepEqual(jobDataFor(training, { data: 'builtin:moons' }), { data: 'builtin:moons' });
    // Only the data fields of a run's settings.
    const settings = { data: 'builtin:iris', passes: 30 };
    assert.deepEqual(jobDataFor(undefined, settings), { data: 'builtin:iris' });
  });

  it('reads a training block without a class column as the CSV reader does ("label")', () => {
    assert.deepEqual(jobDataFor({ data: csv }, { data: csv, labelColumn: 'label' }), {});
    assert.deepEqual(jobDataFor({ data: csv }, { data: csv, labelColumn: 'x' }), {
      data: csv,
      labelColumn: 'x',
    });
  });

  it('takes only offered data, and only a column its file has', () => {
    const offered = [choice(), { spec: 'builtin:moons', label: 'moons', kind: 'synthetic' as const }];
    checkPick(offered, { data: csv, labelColumn: 'cls' });
    checkPick(offered, { data: 'builtin:moons?noise=0.3' });
    assert.throws(() => checkPick(offered, { data: join(dir, 'other.csv') }), /unknown data .*Browse…/);
    assert.throws(() => checkPick(offered, { data: 'builtin:iris' }), /unknown data/);
    assert.throws(() => checkPick(offered, { data: csv, labelColumn: 'z' }), /has no column "z"/);
    assert.throws(() => checkPick(offered, { data: 'builtin:moons', labelColumn: 'x' }), /no column "x"/);
  });

  it('keeps a file whose name has a "?" whole, and a built-in set without its options', () => {
    assert.equal(specBase(csv), csv);
    assert.equal(specBase('builtin:moons?noise=0.2'), 'builtin:moons');
    const offer = { choices: [choice()] };
    assert.deepEqual(pickIn(offer, { data: csv, labelColumn: 'x' }), { data: csv, labelColumn: 'x' });
  });
});
