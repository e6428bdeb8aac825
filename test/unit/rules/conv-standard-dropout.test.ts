import * as assert from 'node:assert/strict';
import { OUT, assertFix, drop, lintText, nn, single } from './helpers';

const RULE = 'conv-standard-dropout';
const CONV = '{ "type": "conv2d", "filters": 8, "kernelSize": 3 }';
const FLAT = '{ "type": "flatten" }';

describe(RULE, () => {
  it('fires on element-wise dropout of a conv feature map and turns it into spatial dropout', () => {
    const text = nn([CONV, drop(0.2), FLAT, OUT], [1, 8, 8]);
    const f = single(text, RULE, drop(0.2));
    assertFix(text, f, /spatial/, nn([CONV, drop(0.2, 'spatial-dropout'), FLAT, OUT], [1, 8, 8]));
  });

  it('does not fire on spatial dropout or after flatten', () => {
    assert.deepEqual(lintText(nn([CONV, drop(0.2, 'spatial-dropout'), FLAT, OUT], [1, 8, 8]), RULE), []);
    assert.deepEqual(lintText(nn([CONV, FLAT, drop(0.2), OUT], [1, 8, 8]), RULE), []);
  });
});
