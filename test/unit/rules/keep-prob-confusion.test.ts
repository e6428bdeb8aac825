import * as assert from 'node:assert/strict';
import { readNnJson } from '../../../src/core/formats/nnjson';
import { lintGraph } from '../../../src/core/lint/engine';

const model = (rate: string) => `{
  "format": "dropout-lens/nn", "version": 1, "input": { "shape": [64] },
  "layers": [
    { "type": "dense", "units": 128, "activation": "relu" },
    { "type": "dropout", "rate": ${rate} },
    { "type": "dense", "units": 10, "activation": "softmax" }
  ]
}`;

function findings(text: string) {
  return lintGraph(readNnJson(text)).filter((f) => f.rule === 'keep-prob-confusion');
}

describe('keep-prob-confusion', () => {
  it('fires on rate 0.9 at the exact range of the value, with a fix to 0.1', () => {
    const text = model('0.9');
    const [f, ...rest] = findings(text);
    assert.equal(rest.length, 0);
    assert.ok(f);
    assert.equal(f.severity, 'warning');
    assert.equal(text.slice(f.range!.offset, f.range!.offset + f.range!.length), '0.9');
    const fix = f.fixes?.[0];
    assert.ok(fix);
    const edit = fix.edits[0]!;
    const fixed = text.slice(0, edit.offset) + edit.newText + text.slice(edit.offset + edit.length);
    assert.equal(fixed, model('0.1'));
    assert.equal(findings(fixed).length, 0);
  });

  it('fires at the 0.8 boundary and not below it', () => {
    assert.equal(findings(model('0.8')).length, 1);
    assert.equal(findings(model('0.79')).length, 0);
    assert.equal(findings(model('0.5')).length, 0);
  });

  it('leaves rates of 1 and above to rate-out-of-range', () => {
    assert.equal(findings(model('1')).length, 0);
    assert.equal(findings(model('1.5')).length, 0);
  });

  it('is switched off by configuration', () => {
    assert.equal(lintGraph(readNnJson(model('0.9')), { rules: { 'keep-prob-confusion': 'off' } }).length, 0);
    const [f] = lintGraph(readNnJson(model('0.9')), { rules: { 'keep-prob-confusion': 'error' } });
    assert.equal(f?.severity, 'error');
  });
});
