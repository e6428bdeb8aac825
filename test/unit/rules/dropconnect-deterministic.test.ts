import * as assert from 'node:assert/strict';
import { lintIr } from './helpers';
import { chain, dense, spec } from './ir-builder';

const RULE = 'dropconnect-deterministic';
const model = (mode: 'train-only' | 'always') =>
  chain([dense({ dropout: spec(0.5, { variant: 'dropconnect', mode }, { op: 'DropConnect' }) }), dense()]);

describe(RULE, () => {
  it('fires on DropConnect evaluated by weight scaling and offers MC DropConnect', () => {
    const [f, ...rest] = lintIr(model('train-only'), RULE);
    assert.equal(rest.length, 0);
    assert.equal(f?.severity, 'info');
    assert.match(f?.fixes?.[0]?.title ?? '', /MC DropConnect/);
  });

  it('does not fire when DropConnect is sampled at inference', () => {
    assert.deepEqual(lintIr(model('always'), RULE), []);
  });
});
