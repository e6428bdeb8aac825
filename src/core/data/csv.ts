// CSV data sets: a header row, numeric feature columns and an integer class column (default "label").
// Errors name the line and column, so a user can fix the file.
import { DataError, type Dataset } from './dataset';

export interface CsvOptions {
  /** Header name of the class column. Default "label". */
  labelColumn?: string;
  /** Used in messages. */
  name?: string;
}

export function parseCsv(text: string, options: CsvOptions = {}): Dataset {
  const name = options.name ?? 'data.csv';
  const labelName = options.labelColumn ?? 'label';
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  if (header.length === 0 || header[0] === '')
    throw new DataError(`${name}:1: the first line must be a header row`);
  const labelIndex = header.indexOf(labelName);
  if (labelIndex < 0)
    throw new DataError(`${name}:1: no "${labelName}" column in the header (columns: ${header.join(', ')})`);
  const width = header.length;
  const features: number[] = [];
  const labels: number[] = [];
  for (let l = 1; l < lines.length; l++) {
    const line = lines[l] as string;
    if (line.trim() === '') continue;
    const cells = line.split(',');
    if (cells.length !== width)
      throw new DataError(`${name}:${l + 1}: ${cells.length} columns, the header has ${width}`);
    for (let c = 0; c < width; c++) {
      const cell = (cells[c] as string).trim();
      const v = cell === '' ? Number.NaN : Number(cell);
      if (!Number.isFinite(v))
        throw new DataError(
          `${name}:${l + 1}:${c + 1}: column "${header[c]}" holds ${JSON.stringify(cell)}, not a number`,
        );
      if (c === labelIndex) {
        if (!Number.isInteger(v) || v < 0)
          throw new DataError(`${name}:${l + 1}:${c + 1}: label ${cell} is not a class index (0, 1, 2, …)`);
        labels.push(v);
      } else features.push(v);
    }
  }
  if (labels.length === 0) throw new DataError(`${name}: no data rows after the header`);
  const y = Int32Array.from(labels);
  return {
    x: Float32Array.from(features),
    y,
    n: y.length,
    shape: [width - 1],
    classes: Math.max(...y) + 1,
    featureNames: header.filter((_, i) => i !== labelIndex),
  };
}
