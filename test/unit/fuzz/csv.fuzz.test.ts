// Fuzzes the CSV loader. Tables of known numbers are written in every legal spelling (quotes, BOM, CRLF,
// blank lines, spaces) and must read back exactly; then one cell, row or the header is spoiled and the
// error must name that line (and column). Random text must give a dataset or a located DataError.
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { parseCsv } from '../../../src/core/data/csv';
import { DataError } from '../../../src/core/data/dataset';
import { RUNS, runs, withinTimeLimit, FUZZ_TIMEOUT_MS } from './fuzz-support';
import { tally } from './tally';

const TARGET = 'csv loader';

interface Table {
  header: string[];
  labelAt: number;
  rows: number[][];
}

/** Feature names as data sets have them (with spaces, one needing quotes). */
const NAMES = ['x', 'y', 'sepal length', 'pixel_0', 'a,b', 'say "hi"', 'w2', 'alcohol', 'z', 't'];

/** A table with a label column somewhere, features of any finite float32, labels 0..9. */
const tables: fc.Arbitrary<Table> = fc
  .record({
    width: fc.integer({ min: 1, max: 6 }),
    n: fc.integer({ min: 1, max: 12 }),
  })
  .chain(({ width, n }) =>
    fc.record({
      header: fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: width, maxLength: width }),
      labelAt: fc.integer({ min: 0, max: width }),
      rows: fc.array(
        fc.tuple(
          fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), {
            minLength: width,
            maxLength: width,
          }),
          fc.integer({ min: 0, max: 9 }),
        ),
        { minLength: n, maxLength: n },
      ),
    }),
  )
  .map(({ header, labelAt, rows }) => {
    return {
      header: [...header.slice(0, labelAt), 'label', ...header.slice(labelAt)],
      labelAt,
      rows: rows.map(([features, label]) => [
        ...features.slice(0, labelAt),
        label,
        ...features.slice(labelAt),
      ]),
    };
  });

/** How a writer spells the file. */
const spellings = fc.record({
  bom: fc.boolean(),
  crlf: fc.boolean(),
  quoteAll: fc.boolean(),
  spaces: fc.boolean(),
  blankLines: fc.boolean(),
  trailingNewline: fc.boolean(),
});

type Spelling = typeof spellings extends fc.Arbitrary<infer S> ? S : never;

function write(table: Table, s: Spelling): { text: string; lineOfRow: number[] } {
  const eol = s.crlf ? '\r\n' : '\n';
  const cell = (v: string | number) => {
    const text = typeof v === 'number' ? (Object.is(v, -0) ? '-0' : String(v)) : v;
    const padded = s.spaces ? ` ${text} ` : text;
    return s.quoteAll || /[",\n]/.test(padded) ? `"${padded.replace(/"/g, '""')}"` : padded;
  };
  const lines = [table.header.map(cell).join(',')];
  const lineOfRow: number[] = [];
  for (const row of table.rows) {
    if (s.blankLines) lines.push('');
    lines.push(row.map(cell).join(','));
    lineOfRow.push(lines.length);
  }
  return { text: (s.bom ? '\uFEFF' : '') + lines.join(eol) + (s.trailingNewline ? eol : ''), lineOfRow };
}

/** Parses, counting the outcome; a DataError must start with "name:line[:column]: ". */
function parse(text: string, kind: string) {
  const started = performance.now();
  try {
    const d = parseCsv(text, { name: 'f.csv' });
    tally(TARGET, kind, 'read', performance.now() - started);
    withinTimeLimit(started, 'the parse');
    return d;
  } catch (e) {
    const ok = e instanceof DataError && /^f\.csv:\d+(:\d+)?: /.test(e.message);
    tally(
      TARGET,
      kind,
      ok ? 'DataError naming the line' : `threw ${(e as Error)?.name}`,
      performance.now() - started,
    );
    withinTimeLimit(started, 'the parse');
    throw e;
  }
}

describe(`fuzz: CSV loader (${RUNS} inputs)`, function () {
  this.timeout(FUZZ_TIMEOUT_MS);
  it('reads every spelling of a table back exactly', () => {
    fc.assert(
      fc.property(tables, spellings, (table, spelling) => {
        const d = parse(write(table, spelling).text, 'valid table, any spelling');
        const width = table.header.length;
        assert.equal(d.n, table.rows.length);
        assert.deepEqual(
          d.featureNames,
          table.header.filter((_, i) => i !== table.labelAt),
        );
        assert.deepEqual(
          Array.from(d.y),
          table.rows.map((r) => r[table.labelAt]),
        );
        const features = table.rows.flatMap((r) => r.filter((_, i) => i !== table.labelAt)).map(Math.fround);
        assert.deepEqual(Array.from(d.x), features);
        assert.equal(d.x.length, d.n * (width - 1));
      }),
      runs(0.3),
    );
  });

  it('names the line and column of a spoiled cell', () => {
    const spoilers = fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e999', 'x', '', '1,5', '0x', '١');
    fc.assert(
      fc.property(tables, spellings, fc.nat(), fc.nat(), spoilers, (table, spelling, r, c, bad) => {
        const row = r % table.rows.length;
        const col = c % table.header.length;
        const spoiled = { ...table, rows: table.rows.map((x) => [...x]) as (number | string)[][] };
        (spoiled.rows[row] as (number | string)[])[col] = bad;
        const { text, lineOfRow } = write(spoiled as Table, spelling);
        const line = lineOfRow[row] as number;
        assert.throws(
          () => parse(text, 'one cell spoiled'),
          (e: unknown) =>
            e instanceof DataError &&
            // "1,5" unquoted is two cells: the row then has a column too many.
            (e.message.startsWith(`f.csv:${line}:${col + 1}: `) || e.message.startsWith(`f.csv:${line}: `)),
        );
      }),
      runs(0.3),
    );
  });

  it('names the line of a row with a cell too many or too few, or a label that is no class', () => {
    fc.assert(
      fc.property(
        tables,
        spellings,
        fc.nat(),
        fc.constantFrom('extra', 'missing', 'label'),
        (table, spelling, r, how) => {
          const row = r % table.rows.length;
          const rows: (number | string)[][] = table.rows.map((x) => [...x]);
          const target = rows[row] as (number | string)[];
          if (how === 'extra') target.push(1);
          else if (how === 'missing') target.pop();
          else target[table.labelAt] = 0.5;
          const { text, lineOfRow } = write({ ...table, rows: rows as number[][] }, spelling);
          const line = lineOfRow[row] as number;
          assert.throws(
            () => parse(text, 'row with a wrong cell count or label'),
            (e: unknown) => e instanceof DataError && e.message.startsWith(`f.csv:${line}`),
          );
        },
      ),
      runs(0.2),
    );
  });

  it('gives a dataset or a located DataError for any text', () => {
    const text = fc.oneof(
      fc.string({ unit: fc.constantFrom(...'0123456789.,-e"\r\n \uFEFFlabel'.split('')), maxLength: 200 }),
      fc.string(),
      fc.integer({ min: 1, max: 300_000 }).map((n) => `a,label\n${'1'.repeat(n)},0`),
    );
    fc.assert(
      fc.property(text, (t) => {
        try {
          const d = parse(t, 'random text');
          assert.ok(d.x.every(Number.isFinite) && d.n === d.y.length);
        } catch (e) {
          if (!(e instanceof DataError) || !/^f\.csv:\d+(:\d+)?: /.test(e.message)) throw e;
        }
      }),
      runs(0.2),
    );
  });
});
