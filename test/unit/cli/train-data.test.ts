// The training block's data fields are honoured: a CSV it names is read relative to the model file (not
// the working directory), and its class column is the one `labelColumn` names, by header or index.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './run-cli';

describe('dropout-lens train: the data a model file names', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'train-data-'));
    // Class 0 below x = 0, class 1 above, in a column that is neither last nor named "label".
    const rows = Array.from({ length: 40 }, (_, i) => `${i < 20 ? 0 : 1},${(i - 19.5) / 10},${(i % 7) / 7}`);
    writeFileSync(join(dir, 'points.csv'), ['kind,x,y', ...rows].join('\n'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const model = (labelColumn: string | number) => {
    const path = join(dir, `model-${labelColumn}.nn.json`);
    writeFileSync(
      path,
      JSON.stringify({
        format: 'dropout-lens/nn',
        version: 1,
        input: { shape: [2] },
        layers: [{ type: 'dense', units: 2, activation: 'softmax' }],
        training: { data: 'points.csv', labelColumn, epochs: 2, seed: 1 },
      }),
    );
    return path;
  };

  it('reads the CSV beside the model, with the class column by name or by index', async () => {
    for (const column of ['kind', 0]) {
      const r = await run('train', model(column), '--json');
      assert.equal(r.code, 0, r.err);
      const { summary } = JSON.parse(r.out.trim().split('\n').pop() as string) as {
        summary: { data: string; runs: { epochs: number }[] };
      };
      assert.equal(summary.data, 'points.csv');
      assert.equal(summary.runs[0]?.epochs, 2);
    }
  });

  it('names a class column the CSV does not have', async () => {
    const r = await run('train', model(5), '--json');
    assert.equal(r.code, 2);
    assert.match(r.err, /points\.csv:1: no column 5 \(0-based\) in the header of 3 columns/);
    assert.match((await run('train', model('species'), '--json')).err, /no "species" column in the header/);
  });
});
