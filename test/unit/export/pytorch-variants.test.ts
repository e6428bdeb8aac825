// The exported PyTorch script's dropout variants against independent computations: MC-dropout means and
// variances of a one-layer network with Gaussian noise, Gaussian dropout or DropConnect in front of its
// logits against the exact distribution (enumerated masks, or a Gaussian integrated numerically), and an
// early schedule that must switch dropout off after its epoch: from then on its losses are exactly those
// of a dropout-free run started from the same weights. Every test writes its own files.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadData } from '../../../src/core/data/load';
import { nodeDataSource } from '../../../src/core/data/node-data';
import { splitAndStandardize } from '../../../src/core/data/split';
import { Network } from '../../../src/core/engine/network';
import { writePytorch } from '../../../src/core/export/pytorch-script';
import type { LayerSpec, NetworkRecord } from '../../../src/core/model/network-spec';
import type { TrainingSpec } from '../../../src/core/model/training-spec';
import { Rng } from '../../../src/core/random/rng';
import { MIXED_LAYERS, MIXED_STANDARDIZATION } from './export-networks';
import { PYTHON, hasTorch, maxNumberDiff, script, writeCsv } from './pytorch-run';

// Two inputs, two classes: p(class 1) = sigmoid(z), z = Δw·x' + Δb with x' the noisy input.
const W = [
  [1, -1],
  [-1, 2],
];
const B = [0, 0.6];
const ROWS = [
  [0.5, 0.2],
  [-0.4, 0.9],
  [1.0, -0.5],
];
const PASSES = 160000;
// The MC error of a mean or variance of p over 160,000 passes: p's sd is at most 0.5, so 4 sd < 0.005.
const TOLERANCE = 0.005;

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const dw = [(W[1]![0] as number) - (W[0]![0] as number), (W[1]![1] as number) - (W[0]![1] as number)];
const db = (B[1] as number) - (B[0] as number);

/** Mean and variance of sigmoid(μ + s·t), t ~ N(0, 1), by the trapezoid rule on [-10, 10]. */
function gaussianSigmoid(mu: number, s: number): [number, number] {
  let m1 = 0;
  let m2 = 0;
  const h = 0.001;
  for (let t = -10; t <= 10; t += h) {
    const weight = (h * Math.exp((-t * t) / 2)) / Math.sqrt(2 * Math.PI);
    const p = sigmoid(mu + s * t);
    m1 += weight * p;
    m2 += weight * p * p;
  }
  return [m1, m2 - m1 * m1];
}

/** Mean and variance of p(class 1) under DropConnect p: all 16 keep / drop patterns of the 4 weights. */
function dropConnect(x: number[], rate: number): [number, number] {
  const keep = 1 - rate;
  let m1 = 0;
  let m2 = 0;
  for (let mask = 0; mask < 16; mask++) {
    const on = (o: number, i: number) => (mask >> (2 * o + i)) & 1;
    const kept = [0, 1, 2, 3].filter((b) => (mask >> b) & 1).length;
    const probability = keep ** kept * rate ** (4 - kept);
    const logit = (o: number) =>
      (B[o] as number) +
      [0, 1].reduce((z, i) => z + (on(o, i) * (W[o]![i] as number) * (x[i] as number)) / keep, 0);
    const p = sigmoid(logit(1) - logit(0));
    m1 += probability * p;
    m2 += probability * p * p;
  }
  return [m1, m2 - m1 * m1];
}

/** The one-dense network with `front` before it (or DropConnect on it), weights W and B. */
function tiny(front: LayerSpec[], dense: Partial<LayerSpec> = {}): NetworkRecord {
  const net = new Network([2], [...front, { type: 'dense', name: 'out', units: 2, ...dense } as LayerSpec]);
  net.init(new Rng(1));
  const record = net.record();
  for (const t of record.tensors)
    t.values.set(t.name === 'out.weight' ? W.flat() : t.name === 'out.bias' ? B : t.values);
  return record;
}

describe('PyTorch export: dropout variants against independent computations', function () {
  this.timeout(120000);
  let dir: string;
  before(function () {
    if (!hasTorch) {
      if (process.env.CI) assert.fail(`"${PYTHON} -c 'import torch'" fails: PyTorch is not installed`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'dl-pytorch-variants-'));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  /** MC dropout's per-sample mean and variance of p(class 1) from the exported `record`. */
  function mcOf(record: NetworkRecord): [number, number][] {
    const work = mkdtempSync(join(dir, 'mc-'));
    writeFileSync(join(work, 'model.py'), writePytorch(record, { name: 'tiny', softmax: true }));
    writeFileSync(
      join(work, 'rows.csv'),
      ['a,b,label', ...ROWS.map((r) => `${r.join(',')},0`)].join('\n') + '\n',
    );
    const [report] = script(work, 1, ['--mc', String(PASSES), '--data', 'rows.csv']) as [
      { samples: { mean: number[]; variance: number[] }[] },
    ];
    return report.samples.map((s) => [s.mean[1] as number, s.variance[1] as number]);
  }

  /** Asserts the MC figures match `expected` and not `wrong` (a plausible mistake the check must catch). */
  function check(
    name: string,
    actual: [number, number][],
    expected: [number, number][],
    wrong: [number, number][],
  ) {
    const diff = maxNumberDiff(actual, expected);
    console.log(`    ${name}: max |MC − exact| over mean and variance ${diff.toExponential(2)}`);
    assert.ok(diff <= TOLERANCE, `${name}: ${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`);
    assert.ok(
      maxNumberDiff(wrong, expected) > 2 * TOLERANCE,
      `${name}: the check cannot tell the mistake apart`,
    );
  }

  it('Gaussian noise: MC mean and variance are those of N(Δw·x + Δb, σ²|Δw|²) through the sigmoid', () => {
    const sigma = 0.5;
    const actual = mcOf(
      tiny([{ type: 'dropout', name: 'n', variant: 'gaussian-noise', rate: 0, stddev: sigma }]),
    );
    const at = (s: number) =>
      ROWS.map(([a, b]) => gaussianSigmoid(dw[0]! * a! + dw[1]! * b! + db, s * Math.hypot(dw[0]!, dw[1]!)));
    // The mistake: σ taken as the variance.
    check('Gaussian noise', actual, at(sigma), at(Math.sqrt(sigma)));
  });

  it('Gaussian dropout: x·(1 + ε), ε ~ N(0, p / (1 − p)), through the sigmoid', () => {
    const rate = 0.4;
    const actual = mcOf(tiny([{ type: 'dropout', name: 'g', variant: 'gaussian', rate }]));
    const at = (alpha: number) =>
      ROWS.map(([a, b]) =>
        gaussianSigmoid(
          dw[0]! * a! + dw[1]! * b! + db,
          Math.sqrt(alpha) * Math.hypot(dw[0]! * a!, dw[1]! * b!),
        ),
      );
    // The mistake: variance p instead of p / (1 − p).
    check('Gaussian dropout', actual, at(rate / (1 - rate)), at(rate));
  });

  it('DropConnect: each weight kept with probability 1 − p and scaled by 1 / (1 − p), all masks enumerated', () => {
    const rate = 0.3;
    const actual = mcOf(tiny([], { dropConnect: rate }));
    // The mistake: one mask per unit (dropout of the input) instead of per weight.
    const perInput = ROWS.map((x) => {
      let m1 = 0;
      let m2 = 0;
      for (const [k0, k1] of [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ] as const) {
        const probability = (k0 ? 1 - rate : rate) * (k1 ? 1 - rate : rate);
        const p = sigmoid((dw[0]! * k0 * x[0]! + dw[1]! * k1 * x[1]!) / (1 - rate) + db);
        m1 += probability * p;
        m2 += probability * p * p;
      }
      return [m1, m2 - m1 * m1] as [number, number];
    });
    check(
      'DropConnect',
      actual,
      ROWS.map((x) => dropConnect(x, rate)),
      perInput,
    );
  });

  it('an early schedule switches dropout off: from epoch 2 the losses of a dropout-free run from epoch 1’s weights', () => {
    const work = mkdtempSync(join(dir, 'schedule-'));
    // Full-batch SGD without momentum: no optimizer state and no batch order, so a run restarted from a
    // checkpoint continues the same trajectory.
    const training: TrainingSpec = {
      epochs: 3,
      batchSize: 4096,
      optimizer: { type: 'sgd', learningRate: 0.1, momentum: 0 },
      l2: 0,
      loss: 'cross-entropy',
      seed: 1,
      validationSplit: 0.2,
    };
    const layers = (dropout: LayerSpec): LayerSpec[] => [
      { type: 'dense', name: 'h', units: 32 },
      { type: 'activation', name: 'h/relu', activation: 'relu' },
      dropout,
      { type: 'dense', name: 'out', units: 10 },
    ];
    const export_ = (file: string, dropout: LayerSpec) => {
      const net = new Network([64], layers(dropout));
      net.init(new Rng(5));
      const options = { name: file, softmax: true, standardization: MIXED_STANDARDIZATION, training };
      writeFileSync(join(work, file), writePytorch(net.record(), options));
    };
    export_('scheduled.py', {
      type: 'dropout',
      name: 'd',
      variant: 'standard',
      rate: 0.5,
      schedule: { kind: 'early', epoch: 1 },
    });
    // The same modules (a dropout of rate 0 in the dropout's place), so the checkpoint fits.
    export_('plain.py', { type: 'dropout', name: 'd', variant: 'standard', rate: 0 });
    const { train, val } = splitAndStandardize(loadData('builtin:digits', nodeDataSource), 0.2, 1, false);
    writeCsv(join(work, 'train.csv'), train);
    writeCsv(join(work, 'val.csv'), val);
    const data = ['--train', 'train.csv', '--val', 'val.csv'];
    const scheduled = script(work, 1, [...data, '--epochs', '3'], 'scheduled.py');
    script(work, 1, [...data, '--epochs', '1', '--checkpoint', 'epoch1.pt'], 'scheduled.py');
    const plain = script(work, 1, [...data, '--epochs', '2', '--weights', 'epoch1.pt'], 'plain.py');
    const losses = (lines: Record<string, unknown>[]) =>
      lines.map((l) => [l.trainLoss, l.valLoss] as number[]);
    const diff = maxNumberDiff(losses(scheduled.slice(1)), losses(plain));
    console.log(
      `    early schedule, epochs 2-3 vs a dropout-free run from epoch 1: max |loss difference| ${diff.toExponential(2)}`,
    );
    assert.ok(diff < 1e-5, `${diff}`);
  });

  it('every dropout variant, DropConnect and a schedule train and run MC dropout together', () => {
    const work = mkdtempSync(join(dir, 'mixed-'));
    const layers: LayerSpec[] = MIXED_LAYERS.map((l) =>
      l.name === 'd1'
        ? { ...l, schedule: { kind: 'early', epoch: 1 } }
        : l.name === 'b'
          ? { ...l, dropConnect: 0.2 }
          : l,
    );
    const net = new Network([64], layers);
    net.init(new Rng(3));
    const options = { name: 'mixed', softmax: true, standardization: MIXED_STANDARDIZATION };
    writeFileSync(join(work, 'mixed.py'), writePytorch(net.record(), options));
    const { train, val } = splitAndStandardize(loadData('builtin:digits', nodeDataSource), 0.2, 1, false);
    writeCsv(join(work, 'train.csv'), train);
    writeCsv(join(work, 'val.csv'), val);
    const args = [
      '--train',
      'train.csv',
      '--val',
      'val.csv',
      '--epochs',
      '2',
      '--mc',
      '3',
      '--data',
      'val.csv',
    ];
    const lines = script(work, 1, args, 'mixed.py');
    assert.equal(lines.length, 3);
    assert.ok(lines.slice(0, 2).every((e) => Number.isFinite(e.trainLoss) && Number.isFinite(e.valLoss)));
    assert.ok((lines[2]?.meanMutualInfo as number) > 0);
  });
});
