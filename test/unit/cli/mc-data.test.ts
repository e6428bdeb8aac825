// `dropout-lens mc` on data read as a stream: an unlabelled .npy gives the entropy, MI and variance of the
// same rows given as a labelled CSV, and no accuracy, NLL or ECE; the preprocessing flags and the engine
// are checked before anything runs, and a bad value exits 2 naming the flag.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpy } from './npy-file';
import { run } from './run-cli';

const MODEL = 'test/fixtures/mc-onnx/mlp-dropout.onnx';
const IMAGE_MODEL = 'test/fixtures/onnx-torch/cnn_opset13.onnx';

describe('dropout-lens mc on streamed data', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'mc-data-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('an unlabelled .npy: entropy, MI and variance of the same rows as a CSV, no accuracy, NLL or ECE', async () => {
    const n = 12;
    const x = Float32Array.from({ length: n * 6 }, (_, i) => Math.sin(1.7 * i));
    writeNpy(join(dir, 'x.npy'), [n, 6], x);
    const header = [...Array.from({ length: 6 }, (_, i) => `f${i}`), 'label'].join(',');
    const rows = Array.from({ length: n }, (_, r) => [...x.subarray(r * 6, r * 6 + 6), r % 3].join(','));
    writeFileSync(join(dir, 'x.csv'), [header, ...rows].join('\n'));
    const args = ['--passes', '25', '--seed', '3', '--json'];
    const npy = await run('mc', MODEL, '--data', join(dir, 'x.npy'), ...args);
    const csv = await run('mc', MODEL, '--data', join(dir, 'x.csv'), ...args);
    assert.equal(npy.code, 0, npy.err);
    assert.equal(csv.code, 0, csv.err);
    const a = JSON.parse(npy.out) as Record<string, unknown> & {
      samples: { label: number; entropy: number }[];
    };
    const b = JSON.parse(csv.out) as typeof a;
    assert.equal(a.labelled, false);
    assert.equal(b.labelled, true);
    for (const key of ['accuracy', 'nll', 'ece']) {
      assert.ok(!(key in a), `${key} is absent without labels`);
      assert.equal(typeof b[key], 'number');
    }
    assert.equal(a.meanEntropy, b.meanEntropy);
    assert.equal(a.meanMutualInfo, b.meanMutualInfo);
    assert.ok((a.meanMutualInfo as number) > 0, 'the passes differ');
    assert.deepEqual(
      a.samples.map((s) => s.label),
      new Array<number>(n).fill(-1),
    );
    assert.deepEqual(
      a.samples.map((s) => s.entropy),
      b.samples.map((s) => s.entropy),
    );
  });

  it('exits 2 naming the flag: an unknown engine, a mean that is not a number, a std of 0, 0 threads', async () => {
    const cases: [string[], RegExp][] = [
      [['--engine', 'gpu'], /--engine must be one of auto, own, onnxruntime, tfjs, not "gpu"/],
      [['--mean', '0.4,NaN,0.4'], /--mean "0\.4,NaN,0\.4": give "imagenet" or numbers/],
      [['--std', '0'], /--std must be positive in every channel \(got 0,0,0\)/],
      [['--layout', 'nwhc'], /--layout "nwhc": give nchw or nhwc/],
      [['--threads', '0'], /--threads must be an integer ≥ 1, not "0"/],
      // The [3, 16, 16] model: the same number of values in another layout or size is refused, not run.
      [['--layout', 'nhwc'], /size: the model takes 3x16 images .*; channels: the model takes 16 in NHWC/],
      [['--size', '32x8'], /size: the model takes 16x16 images \(input \[3, 16, 16\]\)/],
      [['--size', '5000'], /size: height × width in whole pixels from 1 to 4096/],
    ];
    for (const [flags, message] of cases) {
      const r = await run('mc', IMAGE_MODEL, '--data', dir, ...flags);
      assert.equal(r.code, 2, flags.join(' '));
      assert.match(r.err, message);
    }
    const plain = await run('mc', 'samples/moons-mc.nn.json', '--size', '32');
    assert.equal(plain.code, 2);
    assert.match(plain.err, /--size, --mean, --std and --layout are for image data of an ONNX or tfjs model/);
  });
});
