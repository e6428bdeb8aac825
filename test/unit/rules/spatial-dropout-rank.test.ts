import * as assert from 'node:assert/strict';
import { DENSE, OUT, assertFix, drop, lintText, nn, single } from './helpers';

const RULE = 'spatial-dropout-rank';

describe(RULE, () => {
  it('fires on spatial dropout after a dense layer, at the type, and makes it plain dropout', () => {
    const text = nn([DENSE, drop(0.2, 'spatial-dropout'), OUT]);
    const f = single(text, RULE, '"spatial-dropout"');
    assert.equal(f.severity, 'error');
    assert.equal(f.fixes?.[0]?.safe, true);
    assertFix(text, f, /plain/, nn([DENSE, drop(0.2), OUT]));
  });

  it('does not fire on a conv feature map', () => {
    const conv = '{ "type": "conv2d", "filters": 8, "kernelSize": 3 }';
    assert.deepEqual(
      lintText(nn([conv, drop(0.2, 'spatial-dropout'), '{ "type": "flatten" }', OUT], [1, 8, 8]), RULE),
      [],
    );
  });
});
