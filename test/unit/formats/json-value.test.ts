// The .nn.json reader parses once: values come from the jsonc-parser tree (plainValue), not from a second
// JSON.parse. These tests hold the two to the same results, JSON.parse being the reference.
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { JsonErrors, parseJsonTree, plainValue } from '../../../src/core/formats/json-text';
import { ModelFormatError } from '../../../src/core/formats/reader';

const parse = (text: string) => plainValue(parseJsonTree(text, new JsonErrors('nn-json', text, 'x.nn.json')));

describe('plainValue of a parsed tree', () => {
  it('equals JSON.parse for any JSON value, including prototypes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, pretty) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        const ours = parse(text);
        const reference: unknown = JSON.parse(text);
        assert.deepStrictEqual(ours, reference);
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps __proto__ as an own key and lets the last duplicate key win, as JSON.parse does', () => {
    const text = '{"__proto__": {"polluted": 1}, "a": 1, "a": 2}';
    const ours = parse(text) as Record<string, unknown>;
    assert.deepStrictEqual(ours, JSON.parse(text));
    assert.equal(Object.getPrototypeOf(ours), Object.prototype);
    assert.deepEqual(Object.keys(ours), ['__proto__', 'a']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('refuses exactly what JSON.parse refuses', () => {
    const token = fc.constantFrom(
      '{',
      '}',
      '[',
      ']',
      ':',
      ',',
      '"a"',
      '1',
      '-',
      '0',
      '.',
      'e',
      '+',
      'true',
      'nul',
      ' ',
      '\n',
      '\t',
      '\\',
      '"',
      '\u00a0',
      '\u000b',
      '\r',
      '1e5',
      '"\\u0041"',
      '/*',
      '*/',
      '//',
      "'",
    );
    fc.assert(
      fc.property(fc.array(token, { minLength: 1, maxLength: 12 }), (tokens) => {
        const text = tokens.join('');
        let reference = true;
        try {
          JSON.parse(text);
        } catch {
          reference = false;
        }
        let ours = true;
        try {
          parse(text);
        } catch (e) {
          assert.ok(e instanceof ModelFormatError, String(e));
          ours = false;
        }
        assert.equal(ours, reference, JSON.stringify(text));
      }),
      { numRuns: 20_000 },
    );
  });
});
