import * as assert from 'node:assert/strict';
import { readNnJson } from '../../../src/core/formats/nnjson/reader';
import { lintGraph } from '../../../src/core/lint/engine';
import { DENSE, OUT, assertFix, drop, lintText, nn } from './helpers';
import { chain, dense, dropoutLayer, spec } from './ir-builder';

const RULE = 'keep-prob-confusion';
const model = (rate: string) => nn([DENSE, drop(rate), OUT]);
const findings = (text: string) => lintText(text, RULE);

describe(RULE, () => {
  it('fires on rate 0.9 at the exact range of the value, with a fix to 0.1', () => {
    const text = model('0.9');
    const [f, ...rest] = findings(text);
    assert.equal(rest.length, 0);
    assert.ok(f);
    assert.equal(f.severity, 'warning');
    assert.equal(text.slice(f.range!.offset, f.range!.offset + f.range!.length), '0.9');
    assertFix(text, f, /0.1/, model('0.1'));
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

  it('fires on a keep_prob-named layer whose value was read as a rate', () => {
    const text = nn([DENSE, '{ "type": "dropout", "name": "keep_prob", "rate": 0.7 }', OUT]);
    const [f] = findings(text);
    assert.ok(f);
    assert.match(f.message, /keep_prob/);
    assertFix(text, f, /0.3/, nn([DENSE, '{ "type": "dropout", "name": "drop_rate", "rate": 0.3 }', OUT]));
  });

  it('writes a converted keep probability back in the file unit', () => {
    // The file stores keep 0.1 (range 10..13), read as rate 0.9: the user meant keep 0.9.
    const layer = dropoutLayer(spec(0.9, {}, { keepProbability: true, op: 'dropout' }), {
      name: 'keep_prob',
      source: { properties: { rate: { offset: 10, length: 3 } } },
    });
    const [f] = lintGraph(chain([dense(), layer, dense()], 'tfjs-graph')).filter((x) => x.rule === RULE);
    assert.ok(f);
    assert.match(f.message, /stores keep probability 0.1/);
    assert.equal(f.fixes?.[0]?.edits[0]?.newText, '0.9');
  });

  it('does not fire on a correctly converted keep probability', () => {
    const layer = dropoutLayer(spec(0.5, {}, { keepProbability: true }), { name: 'keep_prob' });
    assert.deepEqual(
      lintGraph(chain([dense(), layer, dense()])).filter((x) => x.rule === RULE),
      [],
    );
  });

  it('is switched off by configuration', () => {
    assert.equal(
      lintGraph(readNnJson(model('0.9')), { rules: { [RULE]: 'off' } }).filter((f) => f.rule === RULE).length,
      0,
    );
    const [f] = lintGraph(readNnJson(model('0.9')), { rules: { [RULE]: 'error' } }).filter(
      (x) => x.rule === RULE,
    );
    assert.equal(f?.severity, 'error');
  });
});
