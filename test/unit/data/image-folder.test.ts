// Image folders against Pillow and torchvision: the images and the reference arrays are made by
// test/support/image_reference.py (Pillow writes them; ImageFolder lists them; Resize, ToTensor, Normalize
// and Grayscale preprocess them).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeImage, toChannels } from '../../../src/core/data/images/decode';
import { openDataStream } from '../../../src/core/data/open-stream';
import type { DataStream, ImagePreprocessing } from '../../../src/core/data/stream';

const PYTHON = '/usr/bin/python3';
const H = 24;
const W = 32;

interface Meta {
  files: string[];
  labels: number[];
  classes: string[];
  sizes: [number, number][];
}

async function allSamples(stream: DataStream, batch: number): Promise<{ x: Float32Array; y: number[] }> {
  const size = stream.sampleShape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(stream.count * size);
  const y: number[] = [];
  for await (const b of stream.batches(batch)) {
    x.set(b.x, b.start * size);
    y.push(...b.y);
  }
  return { x, y };
}

/** The largest |a − b| of sample i (of `size` values each). */
function sampleDiff(a: Float32Array, b: Float32Array, i: number, size: number): number {
  let max = 0;
  for (let k = i * size; k < (i + 1) * size; k++)
    max = Math.max(max, Math.abs((a[k] as number) - (b[k] as number)));
  return max;
}

describe('image folders (against Pillow and torchvision)', function () {
  this.timeout(60_000);
  let dir = '';
  let meta: Meta;
  const images = () => join(dir, 'images');
  const ref = (name: string) =>
    new Float32Array(new Uint8Array(readFileSync(join(dir, 'reference', name))).buffer);
  const plain = (channels: 1 | 3, layout: 'nchw' | 'nhwc' = 'nchw'): ImagePreprocessing => ({
    height: H,
    width: W,
    channels,
    mean: new Array<number>(channels).fill(0),
    std: new Array<number>(channels).fill(1),
    layout,
  });
  const isJpeg = (f: string) => /\.jpe?g$/i.test(f);

  before(function () {
    dir = mkdtempSync(join(tmpdir(), 'dl-images-'));
    const r = spawnSync(PYTHON, ['test/support/image_reference.py', dir, String(H), String(W)], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    meta = JSON.parse(readFileSync(join(dir, 'reference', 'meta.json'), 'utf8')) as Meta;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("decodes PNGs exactly as Pillow's convert('RGB') and JPEGs within 1.5 levels on average", () => {
    meta.files.forEach((file, i) => {
      const got = toChannels(decodeImage(readFileSync(join(images(), file)), file), 3);
      const [h, w] = meta.sizes[i] as [number, number];
      assert.deepEqual([got.height, got.width], [h, w], file);
      // 16-bit PNGs are scaled to 8 bits (the high byte); Pillow clamps them at 255 instead, so the
      // reference for sixteen.png (grey × 257) is grey.png's.
      const refIndex = file === 'cow/sixteen.png' ? meta.files.indexOf('ant/grey.png') : i;
      const want = readFileSync(join(dir, 'reference', `decoded-${refIndex}.u8`));
      let total = 0;
      let max = 0;
      for (let k = 0; k < want.length; k++) {
        const d = Math.abs((want[k] as number) - (got.data[k] as number));
        total += d;
        max = Math.max(max, d);
      }
      if (!isJpeg(file)) assert.equal(max, 0, file);
      // jpeg-js and libjpeg-turbo differ in IDCT rounding and in chroma upsampling (libjpeg-turbo
      // interpolates 4:2:0 chroma, jpeg-js repeats it), which shows at sharp colour edges only.
      else assert.ok(total / want.length <= 1.5, `${file}: mean difference ${total / want.length} levels`);
    });
  });

  it('lists classes and samples as ImageFolder does, skipping and counting what is not an image', async () => {
    const stream = await openDataStream(images(), { inputShape: [3, H, W], preprocessing: plain(3) });
    assert.deepEqual(stream.classNames, meta.classes);
    assert.equal(stream.count, meta.files.length);
    assert.deepEqual(
      Array.from({ length: stream.count }, (_, i) => stream.sampleName(i)),
      meta.files,
    );
    assert.equal(stream.labelled, true);
    assert.equal(stream.skipped, 1); // cow/notes.txt
    assert.deepEqual((await allSamples(stream, 5)).y, meta.labels);
  });

  it('resizes like torchvision Resize((24, 32)) on PIL images: PNGs exactly, JPEGs within 2 levels', async () => {
    for (const [preprocessing, reference, inputShape] of [
      [plain(3), 'rgb.f32', [3, H, W]],
      [plain(1), 'grey.f32', [1, H, W]],
    ] as const) {
      const stream = await openDataStream(images(), { inputShape: [...inputShape], preprocessing });
      const { x } = await allSamples(stream, 4);
      const want = ref(reference);
      const size = x.length / stream.count;
      meta.files.forEach((file, i) => {
        if (file === 'cow/sixteen.png') return; // Pillow's clamp, see above
        // One 8-bit level is 1/255 ≈ 0.0039; float32 rounding of v/255 is far below 1e-6.
        const tolerance = isJpeg(file) ? 2 / 255 + 1e-6 : 1e-6;
        assert.ok(
          sampleDiff(x, want, i, size) <= tolerance,
          `${reference} ${file}: ${sampleDiff(x, want, i, size)}`,
        );
      });
    }
  });

  it('normalises with the ImageNet mean and std by default, and lays out NHWC as NCHW transposed', async () => {
    const nchw = await allSamples(await openDataStream(images(), { inputShape: [3, H, W] }), 13);
    const want = ref('imagenet.f32');
    const size = 3 * H * W;
    meta.files.forEach((file, i) => {
      if (file === 'cow/sixteen.png') return;
      const tolerance = isJpeg(file) ? 2 / 255 / 0.224 + 1e-5 : 1e-5;
      assert.ok(sampleDiff(nchw.x, want, i, size) <= tolerance, file);
    });
    const nhwcStream = await openDataStream(images(), { inputShape: [H, W, 3] });
    assert.equal(nhwcStream.preprocessing?.layout, 'nhwc');
    const nhwc = await allSamples(nhwcStream, 7);
    for (let i = 0; i < 13; i++)
      for (let c = 0; c < 3; c++)
        for (let p = 0; p < H * W; p += 37)
          assert.equal(nhwc.x[i * size + p * 3 + c], nchw.x[i * size + c * H * W + p]);
  });

  it('reads a flat folder as unlabelled, and gives a thumbnail that fits the side asked', async () => {
    const flat = join(dir, 'flat');
    mkdirSync(flat);
    for (const f of ['bee/baseline.jpg', 'ant/rgba.png'])
      writeFileSync(join(flat, f.split('/')[1] as string), readFileSync(join(images(), f)));
    const stream = await openDataStream(flat, { inputShape: [3, H, W] });
    assert.equal(stream.labelled, false);
    assert.equal(stream.classNames, undefined);
    assert.deepEqual((await allSamples(stream, 8)).y, [-1, -1]);
    const thumb = await stream.thumbnail?.(0, 64); // baseline.jpg, 640 × 480
    assert.deepEqual([thumb?.width, thumb?.height, thumb?.rgba.length], [64, 48, 64 * 48 * 4]);
  });

  it('names the file of a corrupt image, and does not follow links out of the folder', async () => {
    const bad = join(dir, 'bad');
    mkdirSync(join(bad, 'a'), { recursive: true });
    writeFileSync(join(bad, 'a', 'ok.png'), readFileSync(join(images(), 'ant/rgb.png')));
    writeFileSync(join(bad, 'a', 'broken.png'), readFileSync(join(images(), 'ant/rgb.png')).subarray(0, 200));
    const stream = await openDataStream(bad, { inputShape: [3, H, W] });
    await assert.rejects(allSamples(stream, 4), /broken\.png: the PNG image cannot be decoded/);

    const linked = join(dir, 'linked');
    mkdirSync(join(linked, 'a'), { recursive: true });
    writeFileSync(join(linked, 'a', 'ok.png'), readFileSync(join(images(), 'ant/rgb.png')));
    symlinkSync(join(images(), 'bee'), join(linked, 'outside')); // a class folder outside
    symlinkSync(join(images(), 'ant', 'grey.png'), join(linked, 'a', 'escape.png'));
    symlinkSync(join(linked, 'a', 'ok.png'), join(linked, 'a', 'inside.png'));
    const s = await openDataStream(linked, { inputShape: [3, H, W] });
    assert.deepEqual(s.classNames, ['a']);
    assert.deepEqual([s.sampleName(0), s.sampleName(1), s.count, s.skipped], ['a/ok.png', 'a/ok.png', 2, 2]);
    await assert.rejects(
      openDataStream(join(linked, 'a', 'escape.png'), { inputShape: [3, H, W], within: linked }),
      /leads out of/,
    );
  });

  it("refuses preprocessing whose samples have the model's number of values in another shape", async () => {
    const nchw = { height: H, width: W, channels: 3 as const, mean: [0, 0, 0], std: [1, 1, 1] };
    await assert.rejects(
      openDataStream(images(), { inputShape: [3, H, W], preprocessing: { ...nchw, layout: 'nhwc' } }),
      /images preprocessed to \[24, 32, 3\] \(24x32, 3 channels, NHWC\) are not the model's input \[3, 24, 32\]/,
    );
    await assert.rejects(
      openDataStream(images(), {
        inputShape: [3, H, W],
        preprocessing: { ...nchw, height: W, width: H, layout: 'nchw' },
      }),
      /images preprocessed to \[3, 32, 24\]/,
    );
  });

  it('refuses an image over 40 megapixels from its header, before decoding it', () => {
    // A 9000 × 9000 grey PNG (zlib of zero rows, 80 KB) and an 8000 × 5001 progressive JPEG with EXIF
    // before its frame header, written by zlib and Pillow.
    const made = spawnSync(PYTHON, [
      '-c',
      `
import struct, sys, zlib, io
from PIL import Image
def chunk(kind, data):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))
ihdr = struct.pack('>IIBBBBB', 9000, 9000, 8, 0, 0, 0, 0)
rows = zlib.compress(bytes(9001) * 9000, 9)
open(sys.argv[1], 'wb').write(b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', ihdr) + chunk(b'IDAT', rows) + chunk(b'IEND', b''))
exif = Image.Exif(); exif[0x010e] = 'a wide photo'
Image.new('L', (8000, 5001)).save(sys.argv[2], progressive=True, exif=exif)
`,
      join(dir, 'huge.png'),
      join(dir, 'huge.jpg'),
    ]);
    assert.equal(made.status, 0, made.stderr.toString());
    const started = Date.now();
    assert.throws(
      () => decodeImage(readFileSync(join(dir, 'huge.png')), 'huge.png'),
      /huge\.png: 9000 × 9000 pixels, more than the 40 megapixels an image may have/,
    );
    assert.throws(
      () => decodeImage(readFileSync(join(dir, 'huge.jpg')), 'huge.jpg'),
      /huge\.jpg: 8000 × 5001 pixels, more than the 40 megapixels/,
    );
    assert.ok(Date.now() - started < 1000, 'refused from the header, not decoded');
  });
});
