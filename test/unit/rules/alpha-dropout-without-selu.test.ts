import * as assert from 'node:assert/strict';
import { DENSE, OUT, assertFix, drop, lintText, nn, single } from './helpers';

const RULE = 'alpha-dropout-without-selu';

describe(RULE, () => {
  it('fires on alpha dropout after ReLU and turns it into standard dropout', () => {
    const text = nn([DENSE, drop(0.1, 'alpha-dropout'), OUT]);
    const f = single(text, RULE, '"alpha-dropout"');
    assertFix(text, f, /standard/, nn([DENSE, drop(0.1), OUT]));
  });

  it('does not fire next to SELU', () => {
    const selu = '{ "type": "dense", "units": 64, "activation": "selu" }';
    assert.deepEqual(lintText(nn([selu, drop(0.1, 'alpha-dropout'), OUT]), RULE), []);
  });
});
