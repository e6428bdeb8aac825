import * as assert from 'node:assert/strict';
import { DENSE, OUT, assertFix, drop, lintText, nn, single } from './helpers';

const RULE = 'small-layer-heavy-dropout';
const small = (units: number) => `{ "type": "dense", "units": ${units}, "activation": "relu" }`;

describe(RULE, () => {
  it('fires on rate 0.5 after 16 units; lowers the rate or widens the layer', () => {
    const text = nn([small(16), drop(0.5), OUT]);
    const f = single(text, RULE, '0.5');
    assert.match(f.message, /keeps about 8/);
    assertFix(text, f, /Lower/, nn([small(16), drop(0.2), OUT]));
    assertFix(text, f, /Widen/, nn([small(32), drop(0.5), OUT]));
  });

  it('does not fire after 32 units, with a low rate, or after a conv layer', () => {
    assert.deepEqual(lintText(nn([small(32), drop(0.5), OUT]), RULE), []);
    assert.deepEqual(lintText(nn([small(16), drop(0.3), OUT]), RULE), []);
    assert.deepEqual(lintText(nn([DENSE, drop(0.5), OUT]), RULE), []);
    const conv = '{ "type": "conv2d", "filters": 8, "kernelSize": 3 }';
    assert.deepEqual(
      lintText(nn([conv, drop(0.5, 'spatial-dropout'), '{ "type": "flatten" }', OUT], [1, 8, 8]), RULE),
      [],
    );
  });
});
