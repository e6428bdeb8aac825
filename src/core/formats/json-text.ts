// Helpers for readers of JSON model files (jsonc-parser keeps the exact range of every value, so
// findings and quick fixes land on the text itself): a nesting guard (jsonc-parser recurses once per level and
// overflows the stack near 10,000 levels), JSON-pointer lookups into a jsonc-parser tree, and errors
// that carry the file, line and column.
import { getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { ModelFormat, SourceRange } from '../model/ir';
import { ModelFormatError } from './reader';
import { LineMap } from './text-position';

/** Deeper than any real model file, far below what the parser's recursion can take. */
export const MAX_JSON_DEPTH = 256;

/** Offset of the first bracket that opens level `limit + 1`, or -1 when the text stays within `limit`. */
export function tooDeepAt(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return i;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return -1;
}

/** Parses strict JSON into a tree, refusing nesting deeper than MAX_JSON_DEPTH; errors are located. */
export function parseJsonTree(text: string, errors: JsonErrors): Node {
  const deep = tooDeepAt(text);
  if (deep >= 0)
    throw errors.at({ offset: deep, length: 1 }, `nested more than ${MAX_JSON_DEPTH} levels deep`);
  const parseErrors: ParseError[] = [];
  const root = parseTree(text, parseErrors, { allowTrailingComma: false, disallowComments: true });
  const bad = parseErrors[0];
  if (bad !== undefined) throw errors.at(bad, `invalid JSON (${printParseErrorCode(bad.error)})`);
  if (root === undefined) throw errors.at(undefined, 'invalid JSON (empty file)');
  return root;
}

/**
 * The JSON value of a tree as JSON.parse would give it: plain objects with a prototype (jsonc-parser's
 * getNodeValue makes prototype-less ones), a `__proto__` key as an own property, the last duplicate key
 * winning. The tree's parser is as strict as JSON.parse under parseJsonTree's options.
 */
export function plainValue(node: Node): unknown {
  if (node.type === 'array') return (node.children ?? []).map(plainValue);
  if (node.type !== 'object') return node.value as unknown;
  const object: Record<string, unknown> = {};
  for (const p of node.children ?? []) {
    const [k, v] = p.children ?? [];
    if (typeof k?.value !== 'string' || v === undefined) continue;
    Object.defineProperty(object, k.value, {
      value: plainValue(v),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return object;
}

export function rangeOf(node: Node): SourceRange {
  return { offset: node.offset, length: node.length };
}

/** The value node of `key` in an object node. */
export function propertyNode(object: Node | undefined, key: string): Node | undefined {
  if (object?.type !== 'object') return undefined;
  for (const p of object.children ?? []) {
    const [k, v] = p.children ?? [];
    if (k?.value === key) return v;
  }
  return undefined;
}

/** The key node of `key` in an object node (where "unknown property" errors point). */
export function propertyKeyNode(object: Node | undefined, key: string): Node | undefined {
  return object?.children?.find((p) => p.children?.[0]?.value === key)?.children?.[0];
}

/** Splits a JSON pointer ("/layers/2/units") into its unescaped segments. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The node a JSON pointer names, or the deepest node on the way when the rest is missing. */
export function nodeAtPointer(root: Node, pointer: string): Node {
  let node = root;
  for (const segment of pointerSegments(pointer)) {
    const next = node.type === 'array' ? node.children?.[Number(segment)] : propertyNode(node, segment);
    if (next === undefined) return node;
    node = next;
  }
  return node;
}

/** "layers[2].units" for "/layers/2/units": how messages name a place in the file. */
export function pointerLabel(pointer: string): string {
  return pointerSegments(pointer).reduce(
    (label, s) => (/^\d+$/.test(s) ? `${label}[${s}]` : label === '' ? s : `${label}.${s}`),
    '',
  );
}

/** Builds located errors for one text file: "path:line:column: message". */
export class JsonErrors {
  private lines: LineMap | undefined;

  constructor(
    readonly format: ModelFormat,
    readonly text: string,
    readonly path: string,
  ) {}

  at(range: SourceRange | Node | undefined, message: string): ModelFormatError {
    if (range === undefined) return new ModelFormatError(this.format, `${this.path}: ${message}`);
    const r = { offset: range.offset, length: range.length };
    this.lines ??= new LineMap(this.text);
    const { line, column } = this.lines.at(r.offset);
    return new ModelFormatError(this.format, `${this.path}:${line}:${column}: ${message}`, r);
  }
}

/** Every property of an object node: plain values and the ranges of their value nodes. */
export function properties(object: Node | undefined): {
  values: Record<string, unknown>;
  ranges: Record<string, SourceRange>;
} {
  const values: Record<string, unknown> = {};
  const ranges: Record<string, SourceRange> = {};
  if (object?.type !== 'object') return { values, ranges };
  for (const p of object.children ?? []) {
    const [k, v] = p.children ?? [];
    if (typeof k?.value === 'string' && v) {
      values[k.value] = getNodeValue(v);
      ranges[k.value] = rangeOf(v);
    }
  }
  return { values, ranges };
}

/** True when the bytes start (after whitespace and a byte-order mark) with `{`: a cheap JSON-object sniff. */
export function looksLikeJsonObject(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)
  )
    i++;
  return bytes[i] === 0x7b;
}
