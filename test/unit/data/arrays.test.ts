// .npy and .npz files made by NumPy (numpy.save, numpy.lib.format.write_array, numpy.savez and
// savez_compressed), read back against NumPy's own conversion to float32; hostile headers made by hand.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { sampleShapeOf, samplesIn } from '../../../src/core/data/arrays/array-stream';
import { collect } from '../../../src/core/data/arrays/npz';
import { openDataStream } from '../../../src/core/data/open-stream';
import type { DataStream } from '../../../src/core/data/stream';
import { npyBytes } from '../cli/npy-file';

const PYTHON = '/usr/bin/python3';
const DTYPES = [
  '|b1',
  '|i1',
  '|u1',
  '<i2',
  '>i2',
  '<u2',
  '>u2',
  '<i4',
  '>i4',
  '<u4',
  '>u4',
  '<i8',
  '>i8',
  '<u8',
  '>u8',
  '<f2',
  '>f2',
  '<f4',
  '>f4',
  '<f8',
  '>f8',
];

/** Writes the arrays of the tests; each `<name>.npy` beside `<name>.f32`, NumPy's astype('<f4') of it in C order. */
const MAKE = `
import json, os, sys
import numpy as np
out = sys.argv[1]
dtypes = json.loads(sys.argv[2])
base = np.arange(30).reshape(5, 2, 3)
def save(name, a, version=None):
    with open(os.path.join(out, name + '.npy'), 'wb') as f:
        np.lib.format.write_array(f, a, version=version)
    np.ascontiguousarray(a).astype('<f4').tofile(os.path.join(out, name + '.f32'))
for d in dtypes:
    kind = np.dtype(d).kind
    a = base % 2 == 1 if kind == 'b' else (base - 7 if kind == 'i' else base) * (1.25 if kind == 'f' else 1)
    save('dtype-' + d.replace('<', 'le').replace('>', 'be').replace('|', ''), np.asarray(a).astype(d))
for v in [(1, 0), (2, 0), (3, 0)]:
    save('version-%d' % v[0], (base * 0.5).astype('<f4'), version=v)
save('fortran', np.asfortranarray((base * 1.5).astype('<f8')))
save('fortran-1d', np.asfortranarray(np.arange(6, dtype='<i4')))
save('x_train', (base / 7).astype('<f4'))
np.save(os.path.join(out, 'y_train.npy'), np.array([0, 2, 1, 1, 0]))
save('one', (base / 3).astype('<f4'))
np.save(os.path.join(out, 'one.labels.npy'), np.eye(3, dtype='<f4')[[2, 0, 1, 1, 2]])
save('bad', base.astype('<f4'))
np.save(os.path.join(out, 'bad.labels.npy'), np.array([0, 1, 2, 1.5, 0]))
x = (base / 5).astype('<f4')
save('npz', x)
np.savez(os.path.join(out, 'stored.npz'), x=x, y=np.array([3, 1, 4, 1, 5], dtype='<i8'))
np.savez_compressed(os.path.join(out, 'deflated.npz'), images=np.asfortranarray(x), labels=np.eye(6)[[3, 1, 4, 1, 5]])
np.savez(os.path.join(out, 'positional.npz'), x, np.array([3, 1, 4, 1, 5]))
np.savez_compressed(os.path.join(out, 'only.npz'), anything=x)
np.savez(os.path.join(out, 'unknown.npz'), a=x, b=x)
np.save(os.path.join(out, 'mnist.npy'), np.tile((np.arange(28) * 9).astype('|u1'), (3, 28, 1)))
np.save(os.path.join(out, 'cifar.npy'), np.stack([np.full((8, 6), v, '<f4') for v in (0, 120, 200)])[None].repeat(2, 0))
np.save(os.path.join(out, 'structured.npy'), np.zeros(3, dtype=[('a', '<f4'), ('b', '<i4')]))
np.save(os.path.join(out, 'objects.npy'), np.array([1, 'a'], dtype=object), allow_pickle=True)
`;

async function all(stream: DataStream, batch = 2): Promise<{ x: number[]; y: number[] }> {
  const x: number[] = [];
  const y: number[] = [];
  for await (const b of stream.batches(batch)) {
    x.push(...b.x);
    y.push(...b.y);
  }
  return { x, y };
}

describe('.npy and .npz arrays (made by NumPy)', function () {
  this.timeout(30_000);
  let dir = '';
  const f = (name: string) => join(dir, name);
  const numpyFloats = (name: string) => [
    ...new Float32Array(new Uint8Array(readFileSync(f(`${name}.f32`))).buffer),
  ];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'dl-arrays-'));
    const r = spawnSync(PYTHON, ['-c', MAKE, dir, JSON.stringify(DTYPES)], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every dtype, both byte orders, as NumPy converts it to float32', async () => {
    for (const d of DTYPES) {
      const name = `dtype-${d.replace('<', 'le').replace('>', 'be').replace('|', '')}`;
      const stream = await openDataStream(f(`${name}.npy`), { inputShape: [2, 3] });
      assert.deepEqual([stream.count, stream.labelled], [5, false], name);
      const { x, y } = await all(stream);
      assert.deepEqual(x, numpyFloats(name), name);
      assert.deepEqual(y, [-1, -1, -1, -1, -1]);
    }
  });

  it('reads format versions 1.0, 2.0 and 3.0, and Fortran-order arrays in C order', async () => {
    for (const name of ['version-1', 'version-2', 'version-3', 'fortran'])
      assert.deepEqual(
        (await all(await openDataStream(f(`${name}.npy`), { inputShape: [6] }), 3)).x,
        numpyFloats(name),
        name,
      );
    // A 1-D array is the same in either order; as [6] it is one sample of 6 or 6 samples of 1.
    assert.deepEqual(
      (await all(await openDataStream(f('fortran-1d.npy'), { inputShape: [1] }))).x,
      numpyFloats('fortran-1d'),
    );
    assert.equal((await openDataStream(f('fortran-1d.npy'), { inputShape: [6] })).count, 1);
  });

  it('takes labels from y_<rest>.npy beside x_<rest>.npy and from <name>.labels.npy (one-hot too)', async () => {
    const train = await openDataStream(f('x_train.npy'), { inputShape: [2, 3] });
    assert.equal(train.labelled, true);
    assert.deepEqual(await all(train), { x: numpyFloats('x_train'), y: [0, 2, 1, 1, 0] });
    assert.deepEqual((await all(await openDataStream(f('one.npy'), { inputShape: [6] }))).y, [2, 0, 1, 1, 2]);
    await assert.rejects(
      openDataStream(f('bad.npy'), { inputShape: [6] }),
      /bad\.labels\.npy: .*label 1\.5 at row 3/,
    );
  });

  it('does not follow a labels file that links out of the folder the data must be in', async () => {
    mkdirSync(f('inside'));
    copyFileSync(f('x_train.npy'), f('inside/x_train.npy'));
    symlinkSync(f('y_train.npy'), f('inside/y_train.npy'));
    await assert.rejects(
      openDataStream(f('inside/x_train.npy'), { inputShape: [2, 3], within: f('inside') }),
      /refusing .*y_train\.npy: it leads out of .*inside/,
    );
    // A link that stays inside is followed.
    const linked = await openDataStream(f('inside/x_train.npy'), { inputShape: [2, 3], within: dir });
    assert.deepEqual((await all(linked)).y, [0, 2, 1, 1, 0]);
  });

  it("takes samples only in the shape of the model's sample, or flat, or with axes of 1", () => {
    assert.equal(samplesIn([5, 784], [1, 28, 28], 'a.npy'), 5);
    assert.equal(samplesIn([5, 28, 28], [1, 28, 28], 'a.npy'), 5);
    assert.equal(samplesIn([5, 1, 28, 28], [784], 'a.npy'), 5);
    assert.equal(samplesIn([3, 16, 16], [3, 16, 16], 'a.npy'), 1);
    assert.throws(
      () => samplesIn([5, 16, 16, 3], [3, 16, 16], 'nhwc.npy'),
      /nhwc\.npy: samples of shape \(16, 16, 3\) are laid out unlike the model's input \[3, 16, 16\]/,
    );
    assert.throws(() => samplesIn([5, 8, 32], [16, 16], 'a.npy'), /laid out unlike/);
  });

  it("fills a model input's free dimensions (a sequence of any length) from the array's shape", () => {
    assert.deepEqual(sampleShapeOf([4, 100], [null], 'a.npy'), [100]);
    assert.deepEqual(sampleShapeOf([4, 37, 8], [null, 8], 'a.npy'), [37, 8]);
    assert.deepEqual(sampleShapeOf([4, 784], [28, 28, 1], 'a.npy'), [28, 28, 1]);
    assert.throws(
      () => sampleShapeOf([4, 37, 9], [null, 8], 'b.npy'),
      /b\.npy: samples of shape \(37, 9\) do not fill the model's input \[\?, 8\]/,
    );
    assert.throws(() => sampleShapeOf([4, 10, 10], [null], 'c.npy'), /do not fill/);
  });

  it('reads .npz stored and deflated, by key (x/y, images/labels, arr_0/arr_1, a lone array)', async () => {
    const want = numpyFloats('npz');
    for (const [name, labels] of [
      ['stored', [3, 1, 4, 1, 5]],
      ['deflated', [3, 1, 4, 1, 5]],
      ['positional', [3, 1, 4, 1, 5]],
      ['only', [-1, -1, -1, -1, -1]],
    ] as const) {
      const stream = await openDataStream(f(`${name}.npz`), { inputShape: [1, 2, 3] });
      assert.equal(stream.labelled, labels[0] !== -1, name);
      // Two passes: the deflated entry is inflated again from its start for the second.
      for (const batch of [2, 4])
        assert.deepEqual(await all(stream, batch), { x: want, y: [...labels] }, name);
    }
    await assert.rejects(
      openDataStream(f('unknown.npz'), { inputShape: [6] }),
      /which array holds the inputs\? It has "a", "b"/,
    );
  });

  it('previews samples that are images, their values stretched to 0-255', async () => {
    const mnist = await openDataStream(f('mnist.npy'), { inputShape: [1, 28, 28] });
    const t = await mnist.thumbnail?.(2, 28);
    assert.deepEqual([t?.width, t?.height], [28, 28]);
    // Column c holds 9c (0 to 243): stretched to round(9c · 255 / 243), grey, opaque.
    for (const c of [0, 5, 27]) {
      const at = (7 * 28 + c) * 4;
      const v = Math.round((9 * c * 255) / 243);
      assert.deepEqual([...(t?.rgba.subarray(at, at + 4) ?? [])], [v, v, v, 255], `column ${c}`);
    }
    const cifar = await openDataStream(f('cifar.npy'), { inputShape: [3, 8, 6] });
    const c = await cifar.thumbnail?.(1, 4); // 6 wide × 8 high fits 4 as 3 × 4
    assert.deepEqual([c?.width, c?.height, [...(c?.rgba.subarray(0, 4) ?? [])]], [3, 4, [0, 153, 255, 255]]);
    assert.equal((await openDataStream(f('npz.npy'), { inputShape: [6] })).thumbnail, undefined);
  });

  it('says when the samples do not fit the model, and refuses what it cannot read', async () => {
    await assert.rejects(
      openDataStream(f('npz.npy'), { inputShape: [3, 224, 224] }),
      /npz\.npy: samples of shape \(2, 3\) have 6 values, the model's input \[3, 224, 224\] needs 150528/,
    );
    await assert.rejects(openDataStream(f('structured.npy'), { inputShape: [1] }), /structured dtype/);
    await assert.rejects(openDataStream(f('objects.npy'), { inputShape: [1] }), /dtype "\|O"/);
    await assert.rejects(
      openDataStream(f('y_train.npy'), { inputShape: [1], limit: { bytes: 10, setting: '--max-file-mb' } }),
      /--max-file-mb/,
    );
  });

  it('gives clear errors for hostile and truncated headers', async () => {
    const npy = (header: string, data = 0, version = 1, declared?: number) =>
      npyBytes(header, new Uint8Array(data), version, declared);
    const cases: [string, Buffer, RegExp][] = [
      [
        'huge',
        npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000, 1000000000000), }", 16),
        /needs 4e\+24 bytes of data, the file has 16/,
      ],
      [
        'negative',
        npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 3), }", 16),
        /the shape \(-1, 3\) is not whole non-negative numbers/,
      ],
      [
        'beyond',
        npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 0, 2, 4_000),
        /the header runs to byte 4012, past the end of the file at \d+/,
      ],
      [
        'huge-header',
        npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 0, 2, 1_000_000),
        /a header of 1000000 bytes \(numpy writes a few hundred\)/,
      ],
      [
        'past-end',
        npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 0, 1, 900),
        /runs to byte 910, past the end of the file at \d+/,
      ],
      ['magic', Buffer.from('PK\u0003\u0004 not an array at all'), /does not start with \\x93NUMPY/],
      ['short', npy('').subarray(0, 7), /7 bytes, shorter than the 10-byte preamble/],
      [
        'version',
        npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", 4, 4),
        /format version 4\.0/,
      ],
      ['no-shape', npy("{'descr': '<f4', 'fortran_order': False}", 4), /no 'fortran_order' or 'shape'/],
      [
        'truncated',
        npy("{'descr': '<f8', 'fortran_order': False, 'shape': (4, 3), }", 50),
        /needs 96 bytes of data, the file has 50/,
      ],
    ];
    for (const [name, bytes, message] of cases) {
      writeFileSync(f(`hostile-${name}.npy`), bytes);
      await assert.rejects(openDataStream(f(`hostile-${name}.npy`), { inputShape: [3] }), message, name);
    }
    writeFileSync(f('broken.npz'), Buffer.from('PK\u0003\u0004 a zip cut short'));
    await assert.rejects(
      openDataStream(f('broken.npz'), { inputShape: [3] }),
      /broken\.npz: not a readable \.npz \(zip\) file/,
    );
  });

  it('refuses an .npz entry that gives fewer bytes than asked (no zeros padded in)', async () => {
    const short = Readable.from([Buffer.from([1, 2, 3]), Buffer.from([4])]);
    await assert.rejects(
      collect(short, 6, 'a.npz:x.npy'),
      /a\.npz:x\.npy: 4 bytes came where 6 were expected/,
    );
    const whole = Readable.from([Buffer.from([1, 2, 3]), Buffer.from([4, 5, 6, 7])]);
    assert.deepEqual([...(await collect(whole, 6, 'a.npz:x.npy'))], [1, 2, 3, 4, 5, 6]);
  });
});
