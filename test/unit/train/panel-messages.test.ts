// The extension accepts from the Train panel only well-formed messages.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseFromTrainPanel, parseToTrainPanel, runNumbersProblem } from '../../../src/protocol/train-panel';

const run = { type: 'run', experiment: 'compare', data: 'builtin:digits', epochs: 5, seed: 1 };

describe('Train panel messages', () => {
  it('accepts the messages the panel sends', () => {
    assert.deepEqual(parseFromTrainPanel({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseFromTrainPanel(run), run);
    assert.deepEqual(
      parseFromTrainPanel({ ...run, experiment: 'sweep', rates: [0, 0.5], labelColumn: 'y' }),
      {
        ...run,
        experiment: 'sweep',
        rates: [0, 0.5],
        labelColumn: 'y',
      },
    );
    assert.deepEqual(parseFromTrainPanel({ type: 'save', kind: 'onnx', run: 'dropout' }), {
      type: 'save',
      kind: 'onnx',
      run: 'dropout',
    });
    for (const kind of ['pytorch', 'keras'])
      assert.deepEqual(parseFromTrainPanel({ type: 'save', kind, run: 'dropout' }), {
        type: 'save',
        kind,
        run: 'dropout',
      });
  });

  it('names the number the form got wrong, for exactly the runs the extension refuses', () => {
    const cases: [Record<string, unknown>, RegExp | undefined][] = [
      [{ epochs: 10_000, seed: 4_294_967_295 }, undefined],
      [{ epochs: 10_001, seed: 1 }, /^Epochs must be a whole number from 1 to 10,000\.$/],
      [{ epochs: 0, seed: 1 }, /^Epochs/],
      [{ epochs: 2.5, seed: 1 }, /^Epochs/],
      [{ epochs: Number(''), seed: 1 }, /^Epochs/],
      [{ epochs: 5, seed: -1 }, /^Seed must be a whole number from 0 to 4,294,967,295\.$/],
      [{ epochs: 5, seed: 1, rates: [] }, /^Sweep rates/],
      [{ epochs: 5, seed: 1, rates: [0.2, 1] }, /^Sweep rates/],
      [{ epochs: 5, seed: 1, rates: [0.2, 0.5] }, undefined],
    ];
    for (const [numbers, problem] of cases) {
      const said = runNumbersProblem(numbers);
      if (problem) assert.match(said ?? '', problem, JSON.stringify(numbers));
      else assert.equal(said, undefined, JSON.stringify(numbers));
      assert.equal(parseFromTrainPanel({ ...run, ...numbers }) === undefined, problem !== undefined);
    }
  });

  it('drops unknown fields and rejects bad values', () => {
    assert.deepEqual(parseFromTrainPanel({ type: 'cancel', extra: 1 }), { type: 'cancel' });
    for (const bad of [
      null,
      'run',
      [],
      { type: 'train' },
      { ...run, experiment: 'everything' },
      { ...run, epochs: 0 },
      { ...run, epochs: 2.5 },
      { ...run, seed: -1 },
      { ...run, data: '' },
      { ...run, rates: [] },
      { ...run, rates: [0.1, 1] },
      { ...run, labelColumn: 3 },
      { type: 'save', kind: 'tflite', run: 'dropout' },
      { type: 'save', kind: 'onnx' },
    ])
      assert.equal(parseFromTrainPanel(bad), undefined, JSON.stringify(bad));
  });

  it('never throws, whatever arrives', () => {
    fc.assert(
      fc.property(fc.anything(), (m) => {
        parseFromTrainPanel(m);
        parseToTrainPanel(m);
      }),
    );
  });
});
