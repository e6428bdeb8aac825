import * as assert from 'node:assert/strict';
import { DENSE, OUT, assertFix, drop, lintText, nn, single } from './helpers';

const RULE = 'consecutive-dropout';

describe(RULE, () => {
  it('fires on the second of two dropouts and merges them into one with rate 1 − Π(1 − r)', () => {
    const text = nn([DENSE, drop(0.5), drop(0.2), OUT]);
    const f = single(text, RULE, drop(0.2));
    assert.match(f.message, /= 0.6/);
    assert.equal(f.fixes?.[0]?.safe, true);
    assertFix(text, f, /Merge/, nn([DENSE, drop(0.6), OUT]));
  });

  it('looks through activations; offers no merge across variants', () => {
    const relu = '{ "type": "activation", "activation": "relu" }';
    const f = single(
      nn([DENSE, drop(0.5), relu, drop(0.2, 'gaussian-dropout'), OUT]),
      RULE,
      drop(0.2, 'gaussian-dropout'),
    );
    assert.deepEqual(f.fixes, []);
  });

  it('does not fire with a dense layer between the dropouts', () => {
    assert.deepEqual(lintText(nn([DENSE, drop(0.5), DENSE, drop(0.5), OUT]), RULE), []);
  });
});
