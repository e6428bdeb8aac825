// CSV data sets: a header row, numeric feature columns and an integer class column (default "label").
// Cells may be quoted as RFC 4180 describes ("1.5", "a, b", "say ""hi"""); a byte-order mark is dropped;
// lines end in LF or CRLF. Every error names the line (and column), so a user can fix the file.
import { DataError, type Dataset } from './dataset';

export interface CsvOptions {
  /** The class column: its header name, or its 0-based index. Default the column named "label". */
  labelColumn?: string | number;
  /** Used in messages. */
  name?: string;
}

/** More classes than this is a column of ids or measurements, not class indices (one-hot rows would be huge). */
export const MAX_CLASSES = 10_000;

interface CsvRecord {
  /** 1-based line where the record starts. */
  line: number;
  cells: string[];
}

/** Splits CSV text into records; a quoted cell may hold commas, quotes ("") and line breaks. */
function* records(text: string, name: string): Generator<CsvRecord> {
  let line = 1;
  let at = 0;
  while (at <= text.length) {
    const start = line;
    const cells: string[] = [];
    for (;;) {
      let cell = '';
      if (text[at] === '"') {
        const opened = line;
        at++;
        for (;;) {
          const close = text.indexOf('"', at);
          if (close < 0) throw new DataError(`${name}:${opened}: a quoted cell is never closed`);
          const part = text.slice(at, close);
          line += part.split('\n').length - 1;
          cell += part;
          at = close + 1;
          if (text[at] !== '"') break;
          cell += '"';
          at++;
        }
        const after = text[at];
        if (after !== undefined && after !== ',' && after !== '\n' && after !== '\r')
          throw new DataError(`${name}:${line}: text after a quoted cell (quote the whole cell)`);
      } else {
        const end = nextDelimiter(text, at);
        cell = text.slice(at, end);
        if (cell.includes('"'))
          throw new DataError(`${name}:${line}: a quote inside an unquoted cell (quote the whole cell)`);
        at = end;
      }
      cells.push(cell);
      if (text[at] === ',') {
        at++;
        continue;
      }
      break;
    }
    if (text[at] === '\r' && text[at + 1] === '\n') at++;
    at++;
    line++;
    yield { line: start, cells };
  }
}

function nextDelimiter(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 44 || c === 10 || (c === 13 && text.charCodeAt(i + 1) === 10)) return i;
  }
  return text.length;
}

const isBlank = (r: CsvRecord) => r.cells.length === 1 && (r.cells[0] as string).trim() === '';

export function parseCsv(text: string, options: CsvOptions = {}): Dataset {
  const name = options.name ?? 'data.csv';
  const label = options.labelColumn ?? 'label';
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows = records(body, name);
  const first = rows.next();
  const header = first.done ? [] : first.value.cells.map((h) => h.trim());
  if (first.done || isBlank(first.value))
    throw new DataError(`${name}:1: the first line must be a header row (the file is empty)`);
  const labelIndex = typeof label === 'number' ? label : header.indexOf(label);
  if (typeof label === 'number' && !(Number.isInteger(label) && label >= 0 && label < header.length))
    throw new DataError(`${name}:1: no column ${label} (0-based) in the header of ${header.length} columns`);
  if (labelIndex < 0)
    throw new DataError(`${name}:1: no "${label}" column in the header (columns: ${header.join(', ')})`);
  const width = header.length;
  const features: number[] = [];
  const labels: number[] = [];
  let classes = 0;
  for (const { line, cells } of rows) {
    if (cells.length === 1 && (cells[0] as string).trim() === '') continue;
    if (cells.length !== width)
      throw new DataError(`${name}:${line}: ${cells.length} columns, the header has ${width}`);
    for (let c = 0; c < width; c++) {
      const cell = (cells[c] as string).trim();
      const v = cell === '' ? Number.NaN : Number(cell);
      if (!Number.isFinite(v))
        throw new DataError(
          `${name}:${line}:${c + 1}: column "${header[c]}" holds ${JSON.stringify(cell.slice(0, 40))}, not a number`,
        );
      // Features are stored as float32: beyond ±3.4e38 they would become infinite.
      if (!Number.isFinite(Math.fround(v)))
        throw new DataError(
          `${name}:${line}:${c + 1}: column "${header[c]}" holds ${cell.slice(0, 40)}, too large for a 32-bit float`,
        );
      if (c === labelIndex) {
        if (!Number.isInteger(v) || v < 0 || v >= MAX_CLASSES)
          throw new DataError(
            `${name}:${line}:${c + 1}: label ${cell} is not a class index (0, 1, 2, … below ${MAX_CLASSES})`,
          );
        labels.push(v);
        classes = Math.max(classes, v + 1);
      } else features.push(v);
    }
  }
  if (labels.length === 0) throw new DataError(`${name}:2: no data rows after the header`);
  const y = Int32Array.from(labels);
  return {
    x: Float32Array.from(features),
    y,
    n: y.length,
    shape: [width - 1],
    classes,
    featureNames: header.filter((_, i) => i !== labelIndex),
  };
}

/** The column names of a CSV's header row (its first record), or [] when there is none. */
export function csvHeader(text: string): string[] {
  try {
    const first = records(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, 'csv').next();
    return first.done ? [] : first.value.cells.map((h) => h.trim());
  } catch {
    return [];
  }
}
