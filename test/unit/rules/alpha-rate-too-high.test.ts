import * as assert from 'node:assert/strict';
import { OUT, assertFix, drop, lintText, nn, single } from './helpers';

const RULE = 'alpha-rate-too-high';
const SELU = '{ "type": "dense", "units": 64, "activation": "selu" }';
const model = (rate: number) => nn([SELU, drop(rate, 'alpha-dropout'), OUT]);

describe(RULE, () => {
  it('fires on alpha dropout above 0.1 and offers 0.1 and 0.05', () => {
    const f = single(model(0.3), RULE, '0.3');
    assertFix(model(0.3), f, /0.1/, model(0.1));
    assertFix(model(0.3), f, /0.05/, model(0.05));
  });

  it('does not fire at 0.1 or on standard dropout', () => {
    assert.deepEqual(lintText(model(0.1), RULE), []);
    assert.deepEqual(lintText(nn([SELU, drop(0.3), OUT]), RULE), []);
  });
});
