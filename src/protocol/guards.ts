// Small type guards for messages that cross a process boundary (worker, webview). Each message type's
// parser is built from these, so every side checks what it receives the same way. Validators are named
// by direction and channel: `is<From|To><Channel>` is a type guard (what the webview scaffold and the
// worker host take), `parse<From|To><Channel>` returns the checked message (or a checked copy), or
// undefined when it is malformed (the worker's says what is wrong instead).

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const isInt = (v: unknown, min: number, max: number): v is number =>
  Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
export const isStr = (v: unknown): v is string => typeof v === 'string';
export const isShortString = (v: unknown): v is string =>
  typeof v === 'string' && v.length > 0 && v.length < 4096;
export const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
export const isArrayOf = <T>(v: unknown, item: (x: unknown) => x is T, max = Infinity): v is T[] =>
  Array.isArray(v) && v.length <= max && v.every(item);
/** A field that may be absent, else must pass `check`. */
export const optional = (v: unknown, check: (x: unknown) => boolean): boolean => v === undefined || check(v);
/** A plain object whose every value passes `value` (no prototype tricks: only own enumerable keys count). */
export const isRecordOf = <T>(v: unknown, value: (x: unknown) => x is T): v is Record<string, T> =>
  isObj(v) && Object.values(v).every(value);
/** Numbers as JSON carries them: NaN and infinities arrive as null. */
export const isJsonNumber = (v: unknown): v is number => typeof v === 'number';

/** A short, never-throwing description of a rejected message for a log (cycles and BigInt included). */
export function preview(v: unknown, max = 200): string {
  try {
    return String(JSON.stringify(v)).slice(0, max);
  } catch {
    return Object.prototype.toString.call(v);
  }
}
