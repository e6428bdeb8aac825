import * as assert from 'node:assert/strict';
import { DENSE, OUT, assertFix, drop, lintText, nn, single } from './helpers';

const RULE = 'gaussian-rate-invalid';
const model = (rate: number | string) => nn([DENSE, drop(rate, 'gaussian-dropout'), OUT]);

describe(RULE, () => {
  it('fires on rate ≥ 1, explains σ, and offers to read the value as σ', () => {
    const f = single(model(1.5), RULE, '1.5');
    assert.match(f.message, /√\(rate \/ \(1 − rate\)\)/);
    assertFix(model(1.5), f, /as σ/, model('0.692307692308'));
    assertFix(model(1.5), f, /0.1/, model(0.1));
  });

  it('fires on rate 0 as a hint: σ = 0 makes the layer an identity, so it offers to remove it', () => {
    const f = single(model(0), RULE, '0');
    assert.equal(f.severity, 'hint');
    assert.equal(f.unnecessary, true);
    assert.match(f.message, /adds no noise/);
    assertFix(model(0), f, /Remove/, nn([DENSE, OUT]));
  });

  it('fires on a negative rate and on rate 1 as errors', () => {
    for (const rate of [-0.1, 1]) assert.equal(single(model(rate), RULE, String(rate)).severity, 'error');
  });

  it('does not fire inside (0, 1) or on standard dropout', () => {
    assert.deepEqual(lintText(model(0.3), RULE), []);
    assert.deepEqual(lintText(nn([DENSE, drop(0), OUT]), RULE), []);
  });
});
