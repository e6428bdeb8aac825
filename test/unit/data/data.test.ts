import * as assert from 'node:assert/strict';
import { parseCsv } from '../../../src/core/data/csv';
import { DataError } from '../../../src/core/data/dataset';
import { loadData } from '../../../src/core/data/load';
import { nodeDataSource } from '../../../src/core/data/node-data';
import { splitAndStandardize } from '../../../src/core/data/split';
import { synthetic } from '../../../src/core/data/synthetic';

describe('data', () => {
  it('reads a CSV with the label column anywhere', () => {
    const d = parseCsv('a,label,b\n1,0,2\n3,2,4\n');
    assert.deepEqual([...d.x], [1, 2, 3, 4]);
    assert.deepEqual([...d.y], [0, 2]);
    assert.equal(d.classes, 3);
    assert.deepEqual(d.featureNames, ['a', 'b']);
  });

  it('names the line and column of a bad CSV', () => {
    assert.throws(
      () => parseCsv('a,label\n1,0\n2', { name: 'f.csv' }),
      /f\.csv:3: 1 columns, the header has 2/,
    );
    assert.throws(() => parseCsv('a,label\n1,0\nx,1', { name: 'f.csv' }), /f\.csv:3:1: column "a" holds "x"/);
    assert.throws(() => parseCsv('a,b\n1,0', { name: 'f.csv' }), /f\.csv:1: no "label" column/);
    assert.throws(() => parseCsv('a,label\n1,0.5', { name: 'f.csv' }), DataError);
  });

  it('loads the built-in sets with their published sizes', () => {
    const sizes = {
      digits: [1797, 64, 10],
      iris: [150, 4, 3],
      wine: [178, 13, 3],
      breast_cancer: [569, 30, 2],
    };
    for (const [name, [n, d, c]] of Object.entries(sizes)) {
      const data = loadData(`builtin:${name}`, nodeDataSource);
      assert.deepEqual([data.n, data.shape[0], data.classes], [n, d, c], name);
    }
    assert.throws(() => loadData('builtin:mnist', nodeDataSource), /unknown data set "builtin:mnist"/);
  });

  it('standardises with the training rows only: train columns have mean 0, variance 1', () => {
    const data = loadData('builtin:iris', nodeDataSource);
    const { train, val } = splitAndStandardize(data, 0.2, 3);
    assert.equal(val.n, 30);
    assert.equal(train.n, 120);
    for (let j = 0; j < 4; j++) {
      let s = 0;
      let sq = 0;
      for (let i = 0; i < train.n; i++) s += train.x[i * 4 + j] as number;
      for (let i = 0; i < train.n; i++) sq += ((train.x[i * 4 + j] as number) - s / train.n) ** 2;
      assert.ok(Math.abs(s / train.n) < 1e-5 && Math.abs(sq / train.n - 1) < 1e-4);
    }
    // Same seed, same split.
    assert.deepEqual(splitAndStandardize(data, 0.2, 3).val.y, val.y);
  });

  it('synthetic sets are seeded, balanced, and noise-free moons lie on their arcs', () => {
    assert.deepEqual(synthetic('spiral', { seed: 4 }).x, synthetic('spiral', { seed: 4 }).x);
    assert.notDeepEqual(synthetic('spiral', { seed: 4 }).x, synthetic('spiral', { seed: 5 }).x);
    const m = synthetic('moons', { n: 200, noise: 0 });
    for (let i = 0; i < 200; i += 2) {
      const [x, y] = [m.x[2 * i] as number, m.x[2 * i + 1] as number];
      assert.ok(Math.abs(x * x + y * y - 1) < 1e-6);
    }
    const xor = synthetic('xor', { n: 500, noise: 0 });
    for (let i = 0; i < 500; i++)
      assert.equal(xor.y[i], (xor.x[2 * i] as number) > 0 !== (xor.x[2 * i + 1] as number) > 0 ? 1 : 0);
  });
});
