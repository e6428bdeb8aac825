import * as assert from 'node:assert/strict';
import { DENSE, OUT, assertFix, drop, lintText, nn, single } from './helpers';

const RULE = 'conv-rate-too-high';
const CONV = '{ "type": "conv2d", "filters": 8, "kernelSize": 3, "activation": "relu" }';
const FLAT = '{ "type": "flatten" }';
const model = (rate: number) => nn([CONV, drop(rate, 'spatial-dropout'), FLAT, OUT], [1, 8, 8]);

describe(RULE, () => {
  it('fires on conv dropout above 0.3 and sets 0.2', () => {
    const f = single(model(0.5), RULE, '0.5');
    assertFix(model(0.5), f, /0.2/, model(0.2));
  });

  it('does not fire at 0.3 or on dense dropout', () => {
    assert.deepEqual(lintText(model(0.3), RULE), []);
    assert.deepEqual(lintText(nn([DENSE, drop(0.5), OUT]), RULE), []);
  });
});
