import * as assert from 'node:assert/strict';
import { lintIr } from './helpers';
import { chain, dense, dropoutLayer, spec } from './ir-builder';

const RULE = 'recurrent-dropout';
const keras = { op: 'LSTM', rateSource: 'property' as const };
const rnn = (recurrent: number, id = 'lstm') => ({
  op: 'rnn' as const,
  id,
  originalOp: 'LSTM',
  outputShape: [null, 20, 32],
  innerDropout: [
    spec(0.2, { variant: 'variational' }, { ...keras, property: 'dropout' }),
    spec(recurrent, { variant: 'variational' }, { ...keras, property: 'recurrent_dropout' }),
  ],
  source: { properties: { recurrent_dropout: { offset: 40, length: 3 } } },
});

describe(RULE, () => {
  it('fires on recurrent_dropout > 0, at its value, with a fix to 0', () => {
    const [f, ...rest] = lintIr(chain([rnn(0.3), dense()], 'tfjs-layers'), RULE);
    assert.equal(rest.length, 0);
    assert.deepEqual(f?.range, { offset: 40, length: 3 });
    assert.deepEqual(f?.fixes?.[0]?.edits, [{ offset: 40, length: 3, newText: '0' }]);
  });

  it('fires on a per-timestep mask between stacked RNNs and shares it over time', () => {
    const between = dropoutLayer(spec(0.3, {}, { op: 'Dropout' }), {
      outputShape: [null, 20, 32],
      source: { properties: { noise_shape: { offset: 90, length: 4 } } },
    });
    const [f] = lintIr(chain([rnn(0, 'a'), between, rnn(0, 'b'), dense()], 'tfjs-layers'), RULE);
    assert.match(f?.message ?? '', /stacked RNNs/);
    assert.deepEqual(f?.fixes?.[0]?.edits, [{ offset: 90, length: 4, newText: '[null,1,null]' }]);
  });

  it('does not fire on input dropout only, or on a time-shared mask', () => {
    assert.deepEqual(lintIr(chain([rnn(0), dense()], 'tfjs-layers'), RULE), []);
    const shared = dropoutLayer(spec(0.3, { noiseShape: [null, 1, null] }));
    assert.deepEqual(lintIr(chain([rnn(0, 'a'), shared, rnn(0, 'b')], 'tfjs-layers'), RULE), []);
  });
});
