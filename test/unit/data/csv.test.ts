// The CSV loader on files people really have: quotes, a byte-order mark, CRLF, blank lines; and on bad
// ones, where every error names the line (and column) to fix.
import * as assert from 'node:assert/strict';
import { MAX_CLASSES, csvHeader, parseCsv } from '../../../src/core/data/csv';
import { DataError } from '../../../src/core/data/dataset';

describe('CSV loader', () => {
  it('reads quoted cells, a BOM, CRLF line ends and blank lines', () => {
    const text = '\uFEFF"x, first",label,"y ""2"""\r\n"1.5",0,2\r\n\r\n3,"1",-4e-1\r\n';
    const d = parseCsv(text);
    assert.deepEqual(d.featureNames, ['x, first', 'y "2"']);
    assert.deepEqual(Array.from(d.x), [1.5, 2, 3, -0.4].map(Math.fround));
    assert.deepEqual(Array.from(d.y), [0, 1]);
    assert.equal(d.classes, 2);
  });

  it('counts classes without spreading the labels (a million rows)', () => {
    const rows = Array.from({ length: 1_000_000 }, (_, i) => `${i % 7},${i % 3}`);
    const d = parseCsv(`a,label\n${rows.join('\n')}`);
    assert.equal(d.n, 1_000_000);
    assert.equal(d.classes, 3);
  });

  it('reads the header of a file cut short (the Train panel reads only its first bytes)', () => {
    assert.deepEqual(csvHeader('\uFEFFa,"b,c",label\n1,2,0\n3,'), ['a', 'b,c', 'label']);
    assert.deepEqual(csvHeader('"never closed'), []);
  });

  const bad: [string, string, RegExp][] = [
    ['an empty file', '', /^f\.csv:1: the first line must be a header row/],
    ['only a BOM and a line break', '\uFEFF\n', /^f\.csv:1: the first line must be a header row/],
    ['no label column', 'a,b\n1,2', /^f\.csv:1: no "label" column in the header \(columns: a, b\)/],
    ['a header and nothing else', 'a,label\r\n', /^f\.csv:2: no data rows after the header/],
    ['too few cells', 'a,label\n1,0\n2', /^f\.csv:3: 1 columns, the header has 2/],
    ['too many cells', 'a,label\n1,0,5', /^f\.csv:2: 3 columns, the header has 2/],
    ['a word', 'a,label\n1,0\r\nx,1', /^f\.csv:3:1: column "a" holds "x", not a number/],
    ['an empty cell', 'a,label\n,0', /^f\.csv:2:1: column "a" holds "", not a number/],
    ['NaN', 'a,label\nNaN,0', /^f\.csv:2:1: column "a" holds "NaN", not a number/],
    ['Infinity', 'a,label\n-Infinity,0', /^f\.csv:2:1: column "a" holds "-Infinity", not a number/],
    ['1e999', 'a,label\n1e999,0', /^f\.csv:2:1: column "a" holds "1e999", not a number/],
    [
      '1e39 (beyond float32)',
      'a,label\n1,0\n-1e39,1',
      /^f\.csv:3:1: column "a" holds -1e39, too large for a 32-bit float/,
    ],
    ['a fractional label', 'a,label\n1,0.5', /^f\.csv:2:2: label 0\.5 is not a class index/],
    ['a negative label', 'a,label\n1,-1', /^f\.csv:2:2: label -1 is not a class index/],
    ['a huge label', `a,label\n1,${MAX_CLASSES}`, /^f\.csv:2:2: label 10000 is not a class index/],
    ['an unclosed quote', 'a,label\n1,0\n"2,1\n3,0', /^f\.csv:3: a quoted cell is never closed/],
    ['text after a quote', 'a,label\n"1"x,0', /^f\.csv:2: text after a quoted cell/],
    ['a quote mid-cell', 'a,label\n1"2,0', /^f\.csv:2: a quote inside an unquoted cell/],
    [
      'a multi-line quoted cell, then a bad row',
      'a,label\n"1\n",0\nz,1',
      /^f\.csv:4:1: column "a" holds "z"/,
    ],
    [
      'a huge line',
      `a,label\n${'9'.repeat(5_000_000)}x,0`,
      /^f\.csv:2:1: column "a" holds "9{40}", not a number/,
    ],
  ];
  for (const [what, text, message] of bad) {
    it(`names the line for ${what}`, () => {
      assert.throws(
        () => parseCsv(text, { name: 'f.csv' }),
        (e: unknown) => e instanceof DataError && message.test(e.message),
      );
    });
  }
});
