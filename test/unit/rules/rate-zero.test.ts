import * as assert from 'node:assert/strict';
import { DENSE, OUT, assertFix, drop, lintText, nn, single } from './helpers';

const RULE = 'rate-zero';

describe(RULE, () => {
  it('fires on rate 0 as an unnecessary hint and removes the layer with a safe fix', () => {
    const text = nn([DENSE, drop(0), OUT]);
    const f = single(text, RULE, '0');
    assert.equal(f.severity, 'hint');
    assert.equal(f.unnecessary, true);
    assert.equal(f.fixes?.[0]?.safe, true);
    assertFix(text, f, /Remove/, nn([DENSE, OUT]));
  });

  it('removes a first or last layer cleanly', () => {
    const first = nn([drop(0), DENSE, OUT]);
    assertFix(first, single(first, RULE, '0'), /Remove/, nn([DENSE, OUT]));
    const last = nn([DENSE, drop(0)]);
    assertFix(last, single(last, RULE, '0'), /Remove/, nn([DENSE]));
  });

  it('does not fire on a small rate or on Gaussian dropout', () => {
    assert.deepEqual(lintText(nn([DENSE, drop(0.1), OUT]), RULE), []);
    assert.deepEqual(lintText(nn([DENSE, drop(0, 'gaussian-dropout'), OUT]), RULE), []);
  });
});
