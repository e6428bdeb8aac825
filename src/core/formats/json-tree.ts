// jsonc-parser helpers shared by the JSON-based readers: parse with a located error, look up properties,
// and keep the exact source range of every value so findings and quick fixes land on the text itself.
import { getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { ModelFormat, SourceRange } from '../model/ir';
import { ModelFormatError } from './reader';

export function rangeOf(node: Node): SourceRange {
  return { offset: node.offset, length: node.length };
}

/** The value node of `key` in an object node, or undefined. */
export function property(object: Node | undefined, key: string): Node | undefined {
  if (object?.type !== 'object') return undefined;
  for (const p of object.children ?? []) {
    const [k, v] = p.children ?? [];
    if (k?.value === key) return v;
  }
  return undefined;
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

/** Parses strict JSON into a tree; bad JSON is a ModelFormatError at the first error. */
export function parseJsonTree(text: string, format: ModelFormat, path: string): Node {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  const e = errors[0];
  if (e !== undefined || root === undefined) {
    throw new ModelFormatError(
      format,
      `${path}: invalid JSON (${e ? printParseErrorCode(e.error) : 'empty file'})`,
      e ? { offset: e.offset, length: e.length } : undefined,
    );
  }
  return root;
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
