// The shipped .nn.json samples open, with the parameter counts Keras reports for the same networks.
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readNnJson } from '../../../src/core/formats/nnjson/reader';

const open = (name: string) => readNnJson(readFileSync(join('samples', name), 'utf8'), name);
const dense = (inputs: number, units: number) => inputs * units + units;
const conv = (channels: number, k: number, filters: number) => channels * k * k * filters + filters;

describe('.nn.json samples', () => {
  for (const name of readdirSync('samples').filter((f) => f.endsWith('.nn.json'))) {
    it(`${name} opens and has a training block`, () => {
      const g = open(name);
      assert.ok(g.layers.length > 1);
      assert.match(String((g.meta.training as { data?: string }).data), /^builtin:/);
    });
  }

  it('digits-cnn: conv 1→16 and 16→32 (3×3, same), BN 16, dense 128→64→10', () => {
    const g = open('digits-cnn.nn.json');
    assert.deepEqual(
      g.layers.filter((l) => l.params > 0).map((l) => l.params),
      [conv(1, 3, 16), 4 * 16, conv(16, 3, 32), dense(32 * 2 * 2, 64), dense(64, 10)],
    );
    assert.deepEqual(g.outputs[0]?.shape, [null, 10]);
  });

  it('wine-selu: SELU layers with alpha dropout 0.05', () => {
    const g = open('wine-selu.nn.json');
    assert.deepEqual(
      g.layers.map((l) => l.activation ?? l.dropout?.variant ?? l.op),
      ['input', 'selu', 'alpha', 'selu', 'alpha', 'softmax'],
    );
    assert.equal(
      g.layers.reduce((n, l) => n + l.params, 0),
      dense(13, 64) + dense(64, 64) + dense(64, 3),
    );
  });

  it('moons-early-dropout: dropout scheduled off after epoch 20', () => {
    const g = open('moons-early-dropout.nn.json');
    const schedules = g.layers.filter((l) => l.dropout).map((l) => l.dropout?.schedule);
    assert.deepEqual(schedules, [
      { kind: 'early', epoch: 20 },
      { kind: 'early', epoch: 20 },
    ]);
  });
});
