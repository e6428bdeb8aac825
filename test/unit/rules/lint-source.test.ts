// The lint pipeline reads a text model once: its bytes are decoded once and its JSON parsed once,
// whatever the format, and not at all when the caller gives the text (the editor's document).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { lintSource } from '../../../src/core/lint/lint-source';
import { toWireLintResult } from '../../../src/core/lint/wire-lint';
import type { ModelSource } from '../../../src/core/formats/reader';

// The module object the readers call into (an ES namespace import would be a read-only copy).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jsonc = require('jsonc-parser') as { parseTree: typeof import('jsonc-parser').parseTree };

const FILES = [
  'samples/keep-prob-mistake.nn.json',
  'test/fixtures/tfjs/mlp/model.json',
  'test/fixtures/tfjs-graph-nsfwjs-mobilenet_v2_mid/model.json',
];

/** Calls of TextDecoder.decode on the whole file, of JSON.parse and of jsonc-parser's parseTree. */
function countReads(fileBytes: number): {
  decodes: number;
  jsonParses: number;
  treeParses: number;
  restore(): void;
} {
  const decode = TextDecoder.prototype.decode;
  const jsonParse = JSON.parse;
  const parseTree = jsonc.parseTree;
  const counts = {
    decodes: 0,
    jsonParses: 0,
    treeParses: 0,
    restore() {
      TextDecoder.prototype.decode = decode;
      JSON.parse = jsonParse;
      jsonc.parseTree = parseTree;
    },
  };
  TextDecoder.prototype.decode = function (this: TextDecoder, input?: AllowSharedBufferSource, options?) {
    if (input && input.byteLength >= fileBytes - 3) counts.decodes++; // a byte-order mark aside
    return decode.call(this, input, options);
  };
  JSON.parse = (...args: Parameters<typeof JSON.parse>) => {
    counts.jsonParses++;
    return jsonParse(...args) as unknown;
  };
  jsonc.parseTree = (...args) => {
    counts.treeParses++;
    return parseTree(...args);
  };
  return counts;
}

describe('lintSource reads a text model once', () => {
  for (const path of FILES) {
    it(`${path}: one decode, one parse, the same text for the ranges`, () => {
      const bytes = new Uint8Array(readFileSync(path));
      const source: ModelSource = { path, bytes };
      const reads = countReads(bytes.length);
      let result;
      try {
        result = lintSource(source);
        toWireLintResult(result);
      } finally {
        reads.restore();
      }
      assert.equal(result.error, undefined);
      assert.deepEqual(
        { decodes: reads.decodes, jsonParses: reads.jsonParses, treeParses: reads.treeParses },
        { decodes: 1, jsonParses: 0, treeParses: 1 },
      );
      assert.equal(result.text, new TextDecoder().decode(bytes));
    });
  }

  it('decodes nothing when the source comes with its text', () => {
    const path = FILES[0] as string;
    const text = readFileSync(path, 'utf8');
    const bytes = new TextEncoder().encode(text);
    const reads = countReads(bytes.length);
    let result;
    try {
      result = lintSource({ path, bytes, text });
    } finally {
      reads.restore();
    }
    assert.equal(reads.decodes, 0);
    assert.equal(reads.treeParses, 1);
    assert.ok(result.findings.some((f) => f.rule === 'keep-prob-confusion'));
    assert.equal(result.text, text);
  });

  it('an ONNX model is never decoded as text', () => {
    const path = 'samples/moons-mc.onnx';
    const bytes = new Uint8Array(readFileSync(path));
    const reads = countReads(bytes.length);
    let result;
    try {
      result = lintSource({ path, bytes });
    } finally {
      reads.restore();
    }
    assert.equal(result.format, 'onnx');
    assert.equal(result.text, undefined);
    assert.equal(reads.decodes, 0);
  });
});
