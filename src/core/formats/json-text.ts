// Helpers for readers of JSON model files: a nesting guard (jsonc-parser recurses once per level and
// overflows the stack near 10,000 levels), JSON-pointer lookups into a jsonc-parser tree, and errors
// that carry the file, line and column.
import type { Node } from 'jsonc-parser';
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
