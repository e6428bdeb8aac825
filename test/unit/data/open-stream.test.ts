import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataKind, openDataStream } from '../../../src/core/data/open-stream';
import { writeNpy } from '../cli/npy-file';

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

  it('reads an .npy through a link without an extension, and an .npy link to a file without one (a content store)', async () => {
    const ids = Int32Array.from({ length: 2 * 5 }, (_, i) => 3 * i + 1);
    writeNpy(join(dir, 'ids.npy'), [2, 5], ids);
    copyFileSync(join(dir, 'ids.npy'), join(dir, 'blob'));
    mkdirSync(join(dir, 'links'));
    symlinkSync(join(dir, 'ids.npy'), join(dir, 'links', 'ids'));
    symlinkSync(join(dir, 'blob'), join(dir, 'links', 'x.npy'));
    for (const name of ['ids', 'x.npy']) {
      const spec = join(dir, 'links', name);
      assert.equal(await dataKind(spec), 'npy', name);
      const stream = await openDataStream(spec, { inputShape: [null] });
      assert.deepEqual([stream.count, stream.sampleShape], [2, [5]], name);
      const rows: number[] = [];
      for await (const b of stream.batches(2)) rows.push(...b.x);
      assert.deepEqual(rows, [...ids], name);
      // The folder check is the real file's: both lead out of links/.
      await assert.rejects(
        openDataStream(spec, { inputShape: [null], within: join(dir, 'links') }),
        /refusing .*: it leads out of .*links/,
      );
    }
  });
});
