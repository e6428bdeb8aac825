// MC dropout on real architectures against PyTorch: torchvision MobileNetV2 and EfficientNet-B0 exported
// in train mode, 32 images, the product's mean entropy and mutual information against a PyTorch MC loop
// on the same images (test/fixtures/mc-reference/generate.py says how the models, images and figures are
// made; it runs here when its output is not in the temporary folder yet).
//
// The tolerance is the MC error. For each check (images, T) the reference gives the expected value of the
// estimator at T passes and its standard deviation sd (2,000 PyTorch passes in groups of T). The product's
// estimate at T and the reference's are two independent MC estimates: they may differ by SIGMAS standard
// deviations of their difference, sqrt(sd² + sd²/groups). Two product runs with independent masks (prefix
// once, whole graph per pass) may differ by SIGMAS·√2·sd.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDataStream } from '../../../src/core/data/open-stream';
import type { ImagePreprocessing } from '../../../src/core/data/stream';
import { runMcPasses } from '../../../src/core/engine/mc/mc';
import { mutualInformation, predictiveEntropy } from '../../../src/core/engine/mc/uncertainty';
import { nodeModelSource } from '../../../src/core/formats/node-model-source';
import { readOnnx } from '../../../src/core/formats/onnx/reader';
import { openOnnxRuntimeModel } from '../../../src/core/runtimes/onnxruntime/onnxruntime-model';

const PYTHON = '/usr/bin/python3';
const GENERATOR = 'test/fixtures/mc-reference/generate.py';
const SIGMAS = 4;

interface Figure {
  expected: number;
  sd: number;
  toleranceSd: number;
}

interface Check {
  images: number;
  passes: number;
  meanEntropy: Figure;
  meanMutualInfo: Figure;
}

interface Reference {
  images: { folder: string; npy: string; smallNpy: string; side: number; mean: number[]; std: number[] };
  models: Record<string, { file: string; checks: [Check, Check] }>;
}

interface Figures {
  n: number;
  passes: number;
  meanEntropy: number;
  meanMutualInfo: number;
  notes: string[];
}

const hasTorch =
  spawnSync(PYTHON, ['-c', 'import torch, torchvision, onnx, PIL'], { stdio: 'ignore' }).status === 0;

/**
 * The generated models, images and figures, kept in the temporary folder per version of the generator:
 * a machine generates them once (about 40 s), and a changed generator gets fresh ones.
 */
function referenceDir(): string {
  const hash = createHash('sha256').update(readFileSync(GENERATOR)).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), `dropout-lens-mc-reference-${hash}`);
  if (existsSync(join(dir, 'reference.json'))) return dir;
  const partial = `${dir}.partial-${process.pid}`;
  const r = spawnSync(PYTHON, [GENERATOR, '--out', partial], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, `${GENERATOR} failed:\n${r.stderr}`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  return dir;
}

/** The product's MC figures for an ONNX file on onnxruntime over the data at `data`, one batch. */
async function productFigures(
  file: string,
  data: string,
  passes: number,
  seed: number,
  options: { wholeGraph?: boolean; preprocessing?: ImagePreprocessing } = {},
): Promise<Figures> {
  const source = nodeModelSource(file);
  const model = await openOnnxRuntimeModel(source, readOnnx(source), { wholeGraph: options.wholeGraph });
  try {
    const stream = await openDataStream(data, {
      inputShape: model.inputShape,
      preprocessing: options.preprocessing,
    });
    let entropy = 0;
    let mutualInfo = 0;
    for await (const batch of stream.batches(stream.count)) {
      const x = { data: batch.x, shape: [batch.n, ...stream.sampleShape] };
      const mc = { passes, seed, every: passes };
      const { stats } = await runMcPasses(await model.passes(x, mc), mc);
      for (const h of predictiveEntropy(stats)) entropy += h;
      for (const i of mutualInformation(stats)) mutualInfo += i;
    }
    const n = stream.count;
    return { n, passes, meanEntropy: entropy / n, meanMutualInfo: mutualInfo / n, notes: model.notes };
  } finally {
    await model.dispose();
  }
}

function assertNear(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual} vs ${expected} (tolerance ${tolerance.toPrecision(3)})`,
  );
}

/** The product's figures against PyTorch's for the same images and passes. */
function assertMatchesPyTorch(figures: Figures, check: Check, what: string): void {
  assert.equal(figures.n, check.images);
  assert.equal(figures.passes, check.passes);
  for (const key of ['meanEntropy', 'meanMutualInfo'] as const) {
    const figure = check[key];
    assertNear(figures[key], figure.expected, SIGMAS * figure.toleranceSd, `${what} ${key}`);
  }
}

describe('MC dropout on torchvision MobileNetV2 and EfficientNet-B0 against a PyTorch MC loop', function () {
  this.timeout(300_000);
  let dir = '';
  let reference: Reference;
  before(function () {
    // `npm test` installs Debian's python3-torch; a bare `mocha` run on a machine without it skips.
    if (!hasTorch) this.skip();
    dir = referenceDir();
    reference = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as Reference;
  });

  for (const name of ['mobilenet_v2', 'efficientnet_b0']) {
    describe(name, () => {
      const model = () => join(dir, reference.models[name]?.file ?? '');
      const checks = () => reference.models[name]?.checks as [Check, Check];
      let fromNpy: Figures;

      it('.npy of 32 preprocessed images, T = 100, prefix once: mean entropy and MI are PyTorch’s', async () => {
        const [all] = checks();
        fromNpy = await productFigures(model(), join(dir, reference.images.npy), 100, 1);
        assert.match(fromNpy.notes.join('\n'), /^prefix: \d+ of \d+ nodes run once/m);
        assertMatchesPyTorch(fromNpy, all, `${name} .npy`);
      });

      it('the PNG folder, resized and normalised by the product, gives the .npy’s figures', async () => {
        const [all] = checks();
        const { side, mean, std } = reference.images;
        const preprocessing: ImagePreprocessing = {
          height: side,
          width: side,
          channels: 3,
          mean,
          std,
          layout: 'nchw',
        };
        const folder = join(dir, reference.images.folder);
        const figures = await productFigures(model(), folder, 100, 1, { preprocessing });
        assertMatchesPyTorch(figures, all, `${name} folder`);
        // The same seed on inputs equal up to float rounding (Pillow's resize pixel for pixel, then ÷255,
        // mean and std in another order): the same masks, figures equal to far below the MC error.
        assertNear(figures.meanEntropy, fromNpy.meanEntropy, 1e-4, `${name} folder vs .npy entropy`);
        assertNear(figures.meanMutualInfo, fromNpy.meanMutualInfo, 1e-4, `${name} folder vs .npy MI`);
      });

      it('whole graph per pass and prefix once give the same statistics (8 images, T = 20)', async () => {
        const [, small] = checks();
        const data = join(dir, reference.images.smallNpy);
        const prefix = await productFigures(model(), data, 20, 2);
        const whole = await productFigures(model(), data, 20, 3, { wholeGraph: true });
        assert.ok(whole.notes.includes('whole graph per pass, as asked'), whole.notes.join('; '));
        assertMatchesPyTorch(prefix, small, `${name} prefix`);
        assertMatchesPyTorch(whole, small, `${name} whole graph`);
        for (const key of ['meanEntropy', 'meanMutualInfo'] as const)
          assertNear(whole[key], prefix[key], SIGMAS * Math.SQRT2 * small[key].sd, `${name} ${key}`);
      });
    });
  }
});
