import * as assert from 'node:assert/strict';
import { DENSE, OUT, assertFix, drop, lintText, nn, single } from './helpers';

const RULE = 'dropout-before-batchnorm';
const BN = '{ "type": "batchnorm", "name": "bn1" }';
const RELU = '{ "type": "activation", "activation": "relu" }';

describe(RULE, () => {
  it('fires on dropout feeding BatchNorm, names it, and moves the dropout after it', () => {
    const text = nn([DENSE, drop(0.4), BN, OUT]);
    const f = single(text, RULE, drop(0.4));
    assert.match(f.message, /Dropout \(rate 0.4\) feeds BatchNorm 'bn1'/);
    assert.equal(f.related?.[0]?.layer.name, 'bn1');
    assertFix(text, f, /after 'bn1'/, nn([DENSE, BN, drop(0.4), OUT]));
  });

  it('looks through an activation', () => {
    const text = nn(['{ "type": "dense", "units": 64 }', drop(0.3), RELU, BN, OUT]);
    assertFix(
      text,
      single(text, RULE, drop(0.3)),
      /after/,
      nn(['{ "type": "dense", "units": 64 }', RELU, BN, drop(0.3), OUT]),
    );
  });

  it('does not fire when the dropout comes after the BatchNorm', () => {
    assert.deepEqual(lintText(nn([DENSE, BN, drop(0.4), OUT]), RULE), []);
  });
});
