import * as assert from 'node:assert/strict';
import { DENSE, assertFix, drop, lintText, nn, single } from './helpers';

const RULE = 'dropout-on-logits';
const LOGITS = '{ "type": "dense", "units": 10 }';
const SOFTMAX = '{ "type": "softmax" }';
const SIGMOID = '{ "type": "activation", "activation": "sigmoid" }';

describe(RULE, () => {
  it('fires between the final dense layer and its softmax and moves the dropout before the dense layer', () => {
    const text = nn([DENSE, LOGITS, drop(0.5), SOFTMAX]);
    const f = single(text, RULE, drop(0.5));
    assert.deepEqual(
      f.related?.map((r) => r.layer.originalOp),
      ['dense', 'softmax'],
    );
    assertFix(text, f, /before/, nn([DENSE, drop(0.5), LOGITS, SOFTMAX]));
  });

  it('fires before a sigmoid activation layer', () => {
    single(nn([DENSE, LOGITS, drop(0.3), SIGMOID]), RULE, drop(0.3));
  });

  it('does not fire on dropout before the final dense layer or before a hidden activation', () => {
    assert.deepEqual(lintText(nn([DENSE, drop(0.5), LOGITS, SOFTMAX]), RULE), []);
    const relu = '{ "type": "activation", "activation": "relu" }';
    assert.deepEqual(
      lintText(nn(['{ "type": "dense", "units": 64 }', drop(0.5), relu, LOGITS, SOFTMAX]), RULE),
      [],
    );
  });
});
