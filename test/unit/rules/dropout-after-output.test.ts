import * as assert from 'node:assert/strict';
import { DENSE, OUT, assertFix, drop, lintText, nn, single } from './helpers';

const RULE = 'dropout-after-output';

describe(RULE, () => {
  it('fires on dropout after the final softmax layer and moves it before that layer', () => {
    const text = nn([DENSE, OUT, drop(0.5)]);
    const f = single(text, RULE, drop(0.5));
    assert.equal(f.severity, 'error');
    assert.equal(f.related?.[0]?.layer.originalOp, 'dense');
    assertFix(text, f, /before/, nn([DENSE, drop(0.5), OUT]));
  });

  it('fires after a separate softmax layer, through a reshape', () => {
    const text = nn([
      DENSE,
      '{ "type": "dense", "units": 10 }',
      '{ "type": "softmax" }',
      '{ "type": "reshape", "shape": [10] }',
      drop(0.2),
    ]);
    const f = single(text, RULE, drop(0.2));
    assertFix(
      text,
      f,
      /before/,
      nn([
        DENSE,
        drop(0.2),
        '{ "type": "dense", "units": 10 }',
        '{ "type": "softmax" }',
        '{ "type": "reshape", "shape": [10] }',
      ]),
    );
  });

  it('does not fire on hidden dropout', () => {
    assert.deepEqual(lintText(nn([DENSE, drop(0.5), OUT]), RULE), []);
  });
});
