import * as assert from 'node:assert/strict';
import { OUT, assertFix, drop, lintText, nn, single } from './helpers';

const RULE = 'large-dense-without-dropout';
const BIG = '{ "type": "dense", "units": 1024, "activation": "relu" }';

describe(RULE, () => {
  it('fires on a 2.1M-parameter dense layer with nothing after it and inserts dropout 0.5', () => {
    const text = nn([BIG, OUT], [2048]);
    const f = single(text, RULE, BIG);
    assert.equal(f.severity, 'hint');
    assertFix(text, f, /Insert/, nn([BIG, drop(0.5), OUT], [2048]));
  });

  it('does not fire with dropout or L2 after it, on small layers or on the output layer', () => {
    assert.deepEqual(lintText(nn([BIG, drop(0.3), OUT], [2048]), RULE), []);
    assert.deepEqual(
      lintText(nn([BIG, OUT], [2048], ',\n  "training": { "data": "builtin:digits", "l2": 0.0001 }'), RULE),
      [],
    );
    assert.deepEqual(lintText(nn([BIG, OUT], [64]), RULE), []);
    assert.deepEqual(
      lintText(nn(['{ "type": "dense", "units": 1024, "activation": "softmax" }'], [2048]), RULE),
      [],
    );
  });
});
