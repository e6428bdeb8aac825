// Property-based fuzzing of model readers: every input must give a Graph or a ModelFormatError with a
// message, quickly. Generic over readers and seed files, so a new format is one more FuzzTarget.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as fc from 'fast-check';
import { ModelFormatError, type ModelReader } from '../../../src/core/formats/reader';
import { tally } from './tally';

export interface FuzzTarget {
  reader: ModelReader;
  /** Real model files of the format; mutations start from these. */
  seeds: string[];
}

/**
 * Inputs per target (a reader, the CSV loader, one message handler), shared among its properties:
 * 10,000 in CI; FUZZ_RUNS=100000 for a long hunt.
 */
export const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
/** Mocha's limit for one property: generous, as CI machines are shared (the bound per input is below). */
export const FUZZ_TIMEOUT_MS = Math.max(120_000, 30 * RUNS);
/** Longest a single input may take: a bound against hangs, not a speed figure. */
export const TIME_LIMIT_MS = 2000;

/** fast-check parameters for a property that gets `share` of the target's inputs. */
export function runs(share: number): fc.Parameters<unknown> {
  return {
    numRuns: Math.ceil(RUNS * share),
    seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined,
  };
}

/** Fails when one input took longer than the bound. */
export function withinTimeLimit(started: number, what: string): void {
  const elapsed = performance.now() - started;
  assert.ok(elapsed < TIME_LIMIT_MS, `${what} took ${elapsed.toFixed(0)} ms`);
}

export interface Seed {
  path: string;
  bytes: Uint8Array;
  /** The parsed value, for JSON formats: structured mutations replace one of its leaves. */
  json?: unknown;
}

export function loadSeeds(target: FuzzTarget): Seed[] {
  return target.seeds.map((path) => {
    const bytes = new Uint8Array(readFileSync(path));
    try {
      return { path, bytes, json: JSON.parse(new TextDecoder().decode(bytes)) as unknown };
    } catch {
      return { path, bytes };
    }
  });
}

/**
 * Opens the bytes; fails the property on any outcome but a Graph or a ModelFormatError that names the
 * file, or on a slow read. Counts the outcome under `kind` in the fuzz table.
 */
export function checkRead(reader: ModelReader, path: string, bytes: Uint8Array, kind: string): void {
  const source = { path, bytes };
  const started = performance.now();
  let outcome = 'opened';
  try {
    assert.equal(typeof reader.match(source), 'boolean');
    const graph = reader.open(source);
    assert.ok(Array.isArray(graph.layers), 'a Graph has layers');
  } catch (e) {
    if (!(e instanceof ModelFormatError)) {
      tally(reader.format, kind, `threw ${(e as Error)?.name}`, performance.now() - started);
      throw new Error(`not a ModelFormatError: ${String(e)}`, { cause: e });
    }
    assert.ok(e.message.includes(path), `the error names the file: ${e.message}`);
    assert.equal(e.format, reader.format, 'the error names the format');
    outcome = e.location ? 'error at a line/byte/node' : 'error naming the file';
  }
  tally(reader.format, kind, outcome, performance.now() - started);
  withinTimeLimit(started, 'the read');
}

const encoder = new TextEncoder();
export const utf8 = (text: string): Uint8Array => encoder.encode(text);

const PLACEHOLDER = '\u0000fuzz-token\u0000';

/** Every path to a value inside a JSON value (the root included). */
function valuePaths(value: unknown, path: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(path);
  if (Array.isArray(value)) value.forEach((v, i) => valuePaths(v, [...path, i], out));
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) valuePaths(v, [...path, k], out);
  return out;
}

/** The JSON text of `value` with the value at `path` replaced by raw text (which may be invalid JSON). */
export function replaceAt(value: unknown, path: (string | number)[], raw: string): string {
  if (path.length === 0) return raw;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  parent[path[path.length - 1] as string | number] = PLACEHOLDER;
  return JSON.stringify(copy, null, 2).replace(JSON.stringify(PLACEHOLDER), () => raw);
}

/** A seed with one of its values (a leaf or a whole sub-tree) replaced by a token from `tokens`. */
export function replacedValue(seeds: Seed[], tokens: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const json = seeds.filter((s) => s.json !== undefined);
  return fc
    .constantFrom(...json)
    .chain((seed) => fc.tuple(fc.constant(seed.json), fc.constantFrom(...valuePaths(seed.json)), tokens))
    .map(([value, path, token]) => replaceAt(value, path, token));
}

/** Raw tokens where a value belongs: wrong types, non-JSON numbers, huge sizes, deep and long structures. */
export const hostileTokens: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e999', '-1e999', '1e-400', '-0', 'undefined', ''),
  fc.constantFrom('0', '-1', '0.5', '1.5', '2147483647', '2147483648', '9007199254740993', '1e308', '-1e308'),
  fc.constantFrom(
    'null',
    'true',
    '[]',
    '{}',
    '"__proto__"',
    '{"__proto__": {"x": 1}}',
    '[null]',
    '[[1,2],[3]]',
  ),
  fc.string().map((s) => JSON.stringify(s)),
  fc.json({ maxDepth: 3 }),
  fc.integer({ min: 1, max: 20_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.integer({ min: 1, max: 20_000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
  fc.integer({ min: 1, max: 5_000 }).map((n) => `[${Array(n).fill('1').join(',')}]`),
);
