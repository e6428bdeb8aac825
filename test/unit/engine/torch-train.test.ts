// Training runs compared with PyTorch: test/fixtures/torch-train/generate.py builds the same networks with
// the same initial weights and data and records every step's loss and the final weights (runs.json).
import { readFileSync } from 'node:fs';
import { Network } from '../../../src/core/engine/network';
import type { LayerSpec } from '../../../src/core/model/network-spec';
import { Rng } from '../../../src/core/random/rng';
import { Trainer, type OptimizerSpec } from '../../../src/core/engine/train/train';
import { assertClose } from './helpers';

interface Case {
  name: string;
  inputShape: number[];
  specs: LayerSpec[];
  optimizer: { type: 'sgd' | 'adam'; lr: number; momentum?: number; weightDecay?: number };
  batchSize: number;
  steps: number;
  x: number[];
  y: number[];
  initial: Record<string, number[]>;
  losses: number[];
  final: Record<string, number[]>;
}

const fixture = JSON.parse(readFileSync('test/fixtures/torch-train/runs.json', 'utf8')) as { cases: Case[] };

describe('training matches PyTorch (float32, 15 steps, tolerance 1e-4)', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const net = new Network(c.inputShape, c.specs);
      net.importWeights(c.initial);
      const optimizer: OptimizerSpec =
        c.optimizer.type === 'sgd'
          ? { type: 'sgd', learningRate: c.optimizer.lr, momentum: c.optimizer.momentum ?? 0 }
          : { type: 'adam', learningRate: c.optimizer.lr };
      const trainer = new Trainer(net, { optimizer, l2: c.optimizer.weightDecay ?? 0 });
      const d = c.inputShape.reduce((a, b) => a * b, 1);
      const n = c.y.length;
      const ctx = { training: true, rng: new Rng(0) };
      const losses: number[] = [];
      for (let step = 0; step < c.steps; step++) {
        const start = (step * c.batchSize) % n;
        const x = {
          data: Float32Array.from(c.x.slice(start * d, (start + c.batchSize) * d)),
          shape: [c.batchSize, ...c.inputShape],
        };
        losses.push(trainer.step(x, Int32Array.from(c.y.slice(start, start + c.batchSize)), ctx).loss);
      }
      assertClose(losses, c.losses, 1e-4, 'losses');
      const final = net.exportWeights();
      for (const [name, values] of Object.entries(c.final))
        assertClose(final[name] ?? [], values, 1e-4, name);
    });
  }
});
