import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataKind, openDataStream } from '../../../src/core/data/open-stream';

describe('opening data by what the path is', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'dl-open-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('streams a built-in set and a CSV shaped as the model takes them', async () => {
    const digits = await openDataStream('builtin:digits', { inputShape: [1, 8, 8] });
    assert.deepEqual([digits.count, digits.sampleShape, digits.labelled], [1797, [1, 8, 8], true]);
    writeFileSync(join(dir, 'rows.csv'), 'a,b,label\n1,2,0\n3,4,1\n5,6,1\n');
    const rows = await openDataStream(join(dir, 'rows.csv'), { inputShape: [2] });
    const batches = [];
    for await (const b of rows.batches(2)) batches.push([[...b.x], [...b.y]]);
    assert.deepEqual(batches, [
      [
        [1, 2, 3, 4],
        [0, 1],
      ],
      [[5, 6], [1]],
    ]);
    await assert.rejects(
      openDataStream('builtin:iris', { inputShape: [3, 224, 224] }),
      /4 features per sample/,
    );
  });

  it('says what it reads when the path is none of it, or missing, or an image folder for a non-image model', async () => {
    writeFileSync(join(dir, 'model.onnx'), 'x');
    await assert.rejects(
      openDataStream(join(dir, 'model.onnx'), { inputShape: [2] }),
      /a folder of images \(PNG, JPEG\), an \.npy or \.npz/,
    );
    await assert.rejects(
      openDataStream(join(dir, 'nothing.npy'), { inputShape: [2] }),
      /nothing\.npy: no such file or folder/,
    );
    await assert.rejects(
      openDataStream(dir, { inputShape: [64] }),
      /the model's input \[64\] is not an image's/,
    );
    const specs = [
      'builtin:iris',
      dir,
      join(dir, 'rows.csv'),
      join(dir, 'model.onnx'),
      join(dir, 'none.npy'),
    ];
    assert.deepEqual(await Promise.all(specs.map(dataKind)), [
      'builtin',
      'images',
      'csv',
      undefined,
      undefined,
    ]);
  });
});
