import * as assert from 'node:assert/strict';
import { DENSE, OUT, assertFix, drop, lintText, nn, single } from './helpers';

const RULE = 'selu-needs-alpha-dropout';
const SELU = '{ "type": "dense", "units": 64, "activation": "selu" }';

describe(RULE, () => {
  it('fires on standard dropout in a SELU network and turns it into alpha dropout', () => {
    const text = nn([SELU, drop(0.1), SELU, OUT]);
    const f = single(text, RULE, '"dropout"');
    assertFix(text, f, /alpha/, nn([SELU, drop(0.1, 'alpha-dropout'), SELU, OUT]));
  });

  it('fires on Gaussian dropout too', () => {
    single(nn([SELU, drop(0.1, 'gaussian-dropout'), SELU, OUT]), RULE, '"gaussian-dropout"');
  });

  it('does not fire in a ReLU network or on alpha dropout', () => {
    assert.deepEqual(lintText(nn([DENSE, drop(0.1), OUT]), RULE), []);
    assert.deepEqual(lintText(nn([SELU, drop(0.1, 'alpha-dropout'), SELU, OUT]), RULE), []);
  });
});
