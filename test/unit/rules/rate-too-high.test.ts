import * as assert from 'node:assert/strict';
import { DENSE, OUT, assertFix, drop, lintText, nn, single } from './helpers';

const RULE = 'rate-too-high';

describe(RULE, () => {
  it('fires on a hidden rate above 0.5 and sets 0.5', () => {
    const text = nn([DENSE, drop(0.6), OUT]);
    const f = single(text, RULE, '0.6');
    // A choice published designs make (GoogLeNet's auxiliary heads use 0.7): info, not a warning.
    assert.equal(f.severity, 'info');
    assertFix(text, f, /0.5/, nn([DENSE, drop(0.5), OUT]));
  });

  it('does not fire at 0.5, from 0.8 (keep-prob-confusion), on inputs or on conv maps', () => {
    for (const rate of [0.5, 0.8]) assert.deepEqual(lintText(nn([DENSE, drop(rate), OUT]), RULE), []);
    assert.deepEqual(lintText(nn([drop(0.6), DENSE, OUT]), RULE), []);
    const conv = '{ "type": "conv2d", "filters": 8, "kernelSize": 3 }';
    assert.deepEqual(lintText(nn([conv, drop(0.6), '{ "type": "flatten" }', OUT], [1, 8, 8]), RULE), []);
  });
});
