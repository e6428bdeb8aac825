// The layer table's sort and filter, and its CSV and Markdown exports.
import { graphLayout } from '../../../src/worker/wire-layout';
import * as assert from 'node:assert/strict';
import type { LayerRow, WireModel } from '../../../src/protocol/model-view';
import { toCsv, toMarkdown } from '../../../webview/model/export';
import { dropoutText, levelText, shortLevel, visibleRows } from '../../../webview/model/table-model';

function row(index: number, extra: Partial<LayerRow> = {}): LayerRow {
  return {
    id: `l${index}`,
    index,
    name: `layer${index}`,
    op: 'dense',
    originalOp: 'Dense',
    outputShape: '[?, 8]',
    params: 10 * index,
    dropout: [],
    findings: [],
    inputs: [],
    attributes: [],
    ...extra,
  };
}

const drop = (rate: number | null) => ({
  variant: 'standard' as const,
  rate,
  keep: rate === null ? null : Number((1 - rate).toPrecision(12)),
  scaling: 'inverted' as const,
  mode: 'train-only' as const,
});

const rows: LayerRow[] = [
  row(0, { op: 'input', params: 0 }),
  row(1, { name: 'fc "big", one', params: 500 }),
  row(2, {
    op: 'dropout',
    name: 'drop|a',
    dropout: [drop(0.9)],
    findings: [{ rule: 'keep-prob-confusion', severity: 'warning', message: 'rate 0.9\ndrops "most"' }],
  }),
  row(3, {
    op: 'dropout',
    dropout: [drop(0.2)],
    findings: [{ rule: 'rate-zero', severity: 'hint', message: 'm' }],
  }),
  row(4, { findings: [{ rule: 'dropout-after-output', severity: 'error', message: 'e' }] }),
];

const ids = (list: LayerRow[]) => list.map((r) => r.index);

describe('layer table: sort and filter', () => {
  it('sorts by a column both ways, ties by graph order', () => {
    assert.deepEqual(ids(visibleRows(rows, '', { key: 'params', descending: false })), [0, 2, 3, 4, 1]);
    assert.deepEqual(ids(visibleRows(rows, '', { key: 'params', descending: true })), [1, 4, 3, 2, 0]);
    assert.deepEqual(ids(visibleRows(rows, '', { key: 'op', descending: false })), [1, 4, 2, 3, 0]);
  });

  it('puts rows without dropout or findings last, whatever the direction', () => {
    assert.deepEqual(ids(visibleRows(rows, '', { key: 'dropout', descending: false })), [3, 2, 0, 1, 4]);
    assert.deepEqual(ids(visibleRows(rows, '', { key: 'dropout', descending: true })), [2, 3, 0, 1, 4]);
    assert.deepEqual(ids(visibleRows(rows, '', { key: 'findings', descending: false })), [4, 2, 3, 0, 1]);
  });

  it('filters on name, op, dropout text and rule id, ignoring case', () => {
    assert.deepEqual(ids(visibleRows(rows, 'DROPOUT', { key: 'index', descending: false })), [2, 3, 4]);
    assert.deepEqual(ids(visibleRows(rows, 'keep 0.1', { key: 'index', descending: false })), [2]);
    assert.deepEqual(ids(visibleRows(rows, 'keep-prob', { key: 'index', descending: false })), [2]);
    assert.deepEqual(ids(visibleRows(rows, '  ', { key: 'index', descending: false })), [0, 1, 2, 3, 4]);
  });

  it('spells a dropout cell out, inner RNN dropout and unreadable rates included', () => {
    assert.equal(
      dropoutText({
        ...drop(0.3),
        variant: 'variational',
        property: 'recurrent_dropout',
        noiseShape: '[?, 1]',
      }),
      'recurrent_dropout: variational, rate 0.3, keep 0.7, inverted, train-only, noise [?, 1]',
    );
    assert.equal(
      dropoutText({
        ...drop(0.2),
        property: 'dropout',
        label: 'input dropout',
        note: 'one mask per sequence',
      }),
      'input dropout (one mask per sequence), rate 0.2, keep 0.8, inverted, train-only',
    );
    assert.equal(
      dropoutText({ ...drop(null), rawRate: '"0.5"' }),
      'standard, rate "0.5", keep ?, inverted, train-only',
    );
  });

  it('spells Gaussian noise as its σ, with no rate or keep probability', () => {
    const noise = { ...drop(0), variant: 'gaussian-noise' as const, stddev: 0.1 };
    assert.equal(dropoutText(noise), 'gaussian-noise, σ 0.1, inverted, train-only');
    assert.equal(levelText(noise), 'σ 0.1');
    assert.equal(shortLevel(noise), 'σ 0.1');
    assert.equal(levelText({ ...noise, stddev: null, rawStddev: '"wide"' }), 'σ "wide"');
    assert.equal(levelText(drop(0.3)), 'rate 0.3 · keep 0.7');
  });
});

describe('layer table: export', () => {
  const model: WireModel = {
    fileName: 'm.nn.json',
    fileSize: 1,
    format: 'nn-json',
    name: 'my|model',
    meta: [],
    inputs: [],
    outputs: [],
    params: 1234,
    trainableParams: 1234,
    shapes: { known: 0, layers: 0 },
    rows,
    layout: graphLayout(rows),
  };

  it('writes RFC 4180 CSV: a header, one line per row, quotes doubled, CRLF', () => {
    const csv = toCsv(rows.slice(1, 3));
    const lines = csv.split('\r\n');
    assert.equal(
      lines[0],
      'layer,op,output shape,params,dropout variant,rate,keep,scaling,mode,noise shape,findings',
    );
    assert.equal(lines[1], '"fc ""big"", one",dense,"[?, 8]",500,,,,,,,');
    assert.equal(
      lines.slice(2).join('\r\n'),
      'drop|a,dropout,"[?, 8]",20,standard,0.9,0.1,inverted,train-only,,"warning keep-prob-confusion: rate 0.9\ndrops ""most"""' +
        '\r\n',
    );
    assert.ok(csv.endsWith('\r\n'));
  });

  it('writes a Markdown table with pipes escaped and newlines flattened', () => {
    const md = toMarkdown(model, rows.slice(2, 3));
    assert.equal(
      md,
      [
        '# my\\|model',
        '',
        'm.nn.json (nn-json), 1,234 parameters',
        '',
        '| layer | op | output shape | params | dropout | findings |',
        '| --- | --- | --- | ---: | --- | --- |',
        '| drop\\|a | dropout | [?, 8] | 20 | standard, rate 0.9, keep 0.1, inverted, train-only | warning `keep-prob-confusion`: rate 0.9 drops "most" |',
        '',
      ].join('\n'),
    );
  });
});
