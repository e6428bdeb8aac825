import * as assert from 'node:assert/strict';
import { DENSE, OUT, assertFix, drop, lintText, nn, single } from './helpers';

const RULE = 'rate-out-of-range';
const hidden = (rate: string | number) => nn([DENSE, drop(rate), OUT]);

describe(RULE, () => {
  it('fires on a rate of 1 or more, on the value, with a clamp fix to 0.5 for hidden layers', () => {
    const f = single(hidden(1.5), RULE, '1.5');
    assert.equal(f.severity, 'error');
    assertFix(hidden(1.5), f, /^Set the rate to 0.5/, hidden(0.5));
  });

  it('offers to read a percentage', () => {
    const f = single(hidden(50), RULE, '50');
    assertFix(hidden(50), f, /percentage/, hidden(0.5));
  });

  it('fires on a negative rate at the input and clamps to 0.2 there', () => {
    const text = nn([drop(-0.1), DENSE, OUT]);
    const f = single(text, RULE, '-0.1');
    assertFix(text, f, /^Set the rate to 0.2/, nn([drop(0.2), DENSE, OUT]));
  });

  it('fires on a string and offers the number as a safe fix', () => {
    const f = single(hidden('"0.3"'), RULE, '"0.3"');
    assert.match(f.message, /not a number/);
    const fix = f.fixes?.find((x) => x.safe);
    assert.ok(fix);
    assertFix(hidden('"0.3"'), f, /as the number 0.3/, hidden(0.3));
  });

  it('fires on null and on a negative Gaussian noise stddev', () => {
    single(hidden('null'), RULE, 'null');
    const noise = nn([DENSE, '{ "type": "gaussian-noise", "stddev": -1 }', OUT]);
    assert.equal(single(noise, RULE, '-1').fixes?.length, 0);
  });

  it('accepts rates in [0, 1), Gaussian noise stddevs ≥ 0, and leaves Gaussian dropout to its own rule', () => {
    for (const rate of [0, 0.5, 0.99]) assert.deepEqual(lintText(hidden(rate), RULE), []);
    assert.deepEqual(lintText(nn([DENSE, '{ "type": "gaussian-noise", "stddev": 2 }', OUT]), RULE), []);
    assert.deepEqual(lintText(nn([DENSE, drop(1.5, 'gaussian-dropout'), OUT]), RULE), []);
  });
});
