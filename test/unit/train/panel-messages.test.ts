// The extension accepts from the Train panel only well-formed messages.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseFromTrainPanel, parseToTrainPanel } from '../../../src/protocol/train-panel';

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
