// Where `dropout-lens lint` places a finding, in its text, JSON and SARIF output: counted by hand from
// the file for LF, CRLF and lone-CR line endings with non-ASCII text before the finding (columns in
// UTF-16 code units, which the SARIF log declares). The editor uses the same projection
// (test/integration/code-actions.test.ts compares the two in VS Code).
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log } from 'sarif';
import type { JsonFileReport } from '../../../src/cli/lint-report';
import { run } from './run-cli';

const LINES = [
  '{',
  '  "format": "dropout-lens/nn", "version": 1, "name": "modèle-🙂",',
  '  "input": { "shape": [64] },',
  '  "layers": [',
  '    { "type": "dense", "units": 256, "activation": "relu" },',
  '    { "name": "abfall-🙂-ü", "type": "dropout", "rate": 0.9 },',
  '    { "type": "dense", "units": 10, "activation": "softmax" }',
  '  ]',
  '}',
];
// Line 6: the rate value starts after `    { "name": "abfall-` (22), 🙂 (2 code units), and
// `-ü", "type": "dropout", "rate": ` (32): column 57, ending before column 60.
const RATE = { start: { line: 6, column: 57 }, end: { line: 6, column: 60 } };

describe('dropout-lens lint ranges', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'lint-ranges-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, eol] of [
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ] as const) {
    it(`${name} line endings: the same line and column in text, JSON and SARIF`, async () => {
      const text = LINES.join(eol) + eol;
      assert.equal(LINES[5]?.indexOf('0.9'), RATE.start.column - 1);
      const file = join(dir, `${name}.nn.json`);
      writeFileSync(file, text, 'utf8');

      const json = await run('lint', file, '--format', 'json');
      const [report] = JSON.parse(json.out) as JsonFileReport[];
      const finding = report?.findings.find((f) => f.rule === 'keep-prob-confusion');
      assert.ok(finding?.range);
      assert.deepEqual({ start: finding.range.start, end: finding.range.end }, RATE);
      assert.equal(text.slice(finding.range.offset, finding.range.offset + finding.range.length), '0.9');

      const plain = await run('lint', file);
      assert.ok(plain.out.includes(`${file}:6:57: warning [keep-prob-confusion]`), plain.out);

      const sarif = JSON.parse((await run('lint', file, '--format', 'sarif')).out) as Log;
      const [sarifRun] = sarif.runs;
      assert.equal(sarifRun?.columnKind, 'utf16CodeUnits');
      assert.deepEqual(sarifRun?.newlineSequences, ['\r\n', '\n', '\r']);
      const result = sarifRun?.results?.find((r) => r.ruleId === 'keep-prob-confusion');
      assert.deepEqual(result?.locations?.[0]?.physicalLocation?.region, {
        startLine: 6,
        startColumn: 57,
        endLine: 6,
        endColumn: 60,
      });
    });
  }
});
