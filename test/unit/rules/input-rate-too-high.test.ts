import * as assert from 'node:assert/strict';
import { DENSE, OUT, assertFix, drop, lintText, nn, single } from './helpers';

const RULE = 'input-rate-too-high';

describe(RULE, () => {
  it('fires on input dropout above 0.2 and sets 0.2', () => {
    const text = nn([drop(0.5), DENSE, OUT]);
    const f = single(text, RULE, '0.5');
    assertFix(text, f, /0.2/, nn([drop(0.2), DENSE, OUT]));
  });

  it('looks through shape-only ops to the input', () => {
    single(nn(['{ "type": "flatten" }', drop(0.4), DENSE, OUT], [1, 8, 8]), RULE, '0.4');
  });

  it('does not fire at 0.2 or on hidden layers', () => {
    assert.deepEqual(lintText(nn([drop(0.2), DENSE, OUT]), RULE), []);
    assert.deepEqual(lintText(nn([DENSE, drop(0.5), OUT]), RULE), []);
  });
});
