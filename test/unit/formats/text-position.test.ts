// LineMap, the one offset → line/column projection of the CLI, SARIF and the editor, against a plain
// reference written from the definition: lines split at CRLF, LF or CR; columns in UTF-16 code units;
// an offset inside a line break or past the end sits at the end of its line (VS Code's positionAt).
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { LineMap, type LineColumn } from '../../../src/core/formats/text-position';

function reference(text: string, offset: number): LineColumn {
  const lines = text.split(/\r\n|\r|\n/);
  let start = 0;
  for (let i = 0; i < lines.length; i++) {
    const length = (lines[i] as string).length;
    const breakLength = text.startsWith('\r\n', start + length) ? 2 : start + length < text.length ? 1 : 0;
    if (offset < start + length + breakLength || i === lines.length - 1) {
      return { line: i + 1, column: Math.min(Math.max(offset - start, 0), length) + 1 };
    }
    start += length + breakLength;
  }
  throw new Error('unreachable');
}

describe('LineMap', () => {
  it('places offsets in LF, CRLF and CR text with non-ASCII characters', () => {
    const text = 'a\r\né🙂x\rß\ny';
    const lines = new LineMap(text);
    const at = (o: number) => lines.at(o);
    assert.deepEqual(at(0), { line: 1, column: 1 });
    assert.deepEqual(at(1), { line: 1, column: 2 }); // the CR of CRLF: end of line 1
    assert.deepEqual(at(2), { line: 1, column: 2 }); // the LF of CRLF: still the end of line 1
    assert.deepEqual(at(3), { line: 2, column: 1 }); // é
    assert.deepEqual(at(4), { line: 2, column: 2 }); // 🙂, two code units
    assert.deepEqual(at(6), { line: 2, column: 4 }); // x
    assert.deepEqual(at(8), { line: 3, column: 1 }); // ß after a lone CR
    assert.deepEqual(at(10), { line: 4, column: 1 }); // y after LF
    assert.deepEqual(at(11), { line: 4, column: 2 }); // the end of the text
    assert.deepEqual(at(99), { line: 4, column: 2 });
  });

  it('agrees with the reference on every offset of random text', () => {
    const char = fc.constantFrom('a', ' ', '\n', '\r', '\r\n', 'é', '🙂', '"', '{');
    fc.assert(
      fc.property(fc.array(char, { maxLength: 40 }), (chars) => {
        const text = chars.join('');
        const lines = new LineMap(text);
        for (let o = 0; o <= text.length + 1; o++)
          assert.deepEqual(lines.at(o), reference(text, o), `offset ${o}`);
      }),
      { numRuns: 500 },
    );
  });
});
