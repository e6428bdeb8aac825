import * as assert from 'node:assert/strict';
import { OUT, assertFix, drop, lintText, nn, single } from './helpers';

const RULE = 'dropout-before-maxpool';
const CONV = '{ "type": "conv2d", "filters": 8, "kernelSize": 3 }';
const MAX = '{ "type": "maxpool2d" }';
const FLAT = '{ "type": "flatten" }';
const SD = drop(0.2, 'spatial-dropout');

describe(RULE, () => {
  it('fires on dropout right before max pooling and moves it after the pooling', () => {
    const text = nn([CONV, SD, MAX, FLAT, OUT], [1, 8, 8]);
    const f = single(text, RULE, SD);
    assert.equal(f.severity, 'info');
    assertFix(text, f, /after/, nn([CONV, MAX, SD, FLAT, OUT], [1, 8, 8]));
  });

  it('does not fire before average pooling or after max pooling', () => {
    assert.deepEqual(lintText(nn([CONV, SD, '{ "type": "avgpool2d" }', FLAT, OUT], [1, 8, 8]), RULE), []);
    assert.deepEqual(lintText(nn([CONV, MAX, SD, FLAT, OUT], [1, 8, 8]), RULE), []);
  });
});
