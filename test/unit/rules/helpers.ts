// Shared pieces of the rule tests: `.nn.json` models from layer lines, lint one rule, check ranges and fixes.
import * as assert from 'node:assert/strict';
import { readNnJson } from '../../../src/core/formats/nnjson/reader';
import { lintGraph } from '../../../src/core/lint/engine';
import type { Finding, Fix } from '../../../src/core/lint/rule';
import type { Graph, SourceRange } from '../../../src/core/model/ir';

/** A `.nn.json` model: one layer object per line, the way the samples are written. */
export function nn(layers: string[], shape: number[] = [64], extra = ''): string {
  return `{
  "format": "dropout-lens/nn", "version": 1, "input": { "shape": [${shape.join(', ')}] },
  "layers": [
    ${layers.join(',\n    ')}
  ]${extra}
}`;
}

/** Findings of one rule for `.nn.json` text. */
export function lintText(text: string, rule: string): Finding[] {
  return lintGraph(readNnJson(text), { rules: {} }, text).filter((f) => f.rule === rule);
}

/** Findings of one rule for an IR graph built in the test. */
export function lintIr(graph: Graph, rule: string): Finding[] {
  return lintGraph(graph).filter((f) => f.rule === rule);
}

export function slice(text: string, range: SourceRange | undefined): string {
  assert.ok(range, 'finding has a range');
  return text.slice(range.offset, range.offset + range.length);
}

export function applyFix(text: string, fix: Fix): string {
  assert.ok(fix.edits.length > 0, `fix "${fix.title}" has text edits`);
  const edits = [...fix.edits].sort((a, b) => b.offset - a.offset);
  return edits.reduce((t, e) => t.slice(0, e.offset) + e.newText + t.slice(e.offset + e.length), text);
}

/** Exactly one finding of the rule, at the text `at`. */
export function single(text: string, rule: string, at: string): Finding {
  const found = lintText(text, rule);
  assert.equal(found.length, 1, `one ${rule} finding, got ${found.length}`);
  const f = found[0] as Finding;
  assert.equal(slice(text, f.range), at);
  return f;
}

/** Applies the fix titled like `title` and checks the result text and that it lints clean for the rule. */
export function assertFix(text: string, finding: Finding, title: RegExp, expected: string): void {
  const fix = finding.fixes?.find((f) => title.test(f.title));
  assert.ok(fix, `a fix titled ${title}; have ${finding.fixes?.map((f) => f.title).join(' | ')}`);
  const fixed = applyFix(text, fix);
  assert.equal(fixed, expected);
  assert.deepEqual(lintText(fixed, finding.rule), []);
}

export const DENSE = '{ "type": "dense", "units": 128, "activation": "relu" }';
export const OUT = '{ "type": "dense", "units": 10, "activation": "softmax" }';
export const drop = (rate: string | number, type = 'dropout') => `{ "type": "${type}", "rate": ${rate} }`;
