// Data on the local file system: the built-in CSVs from the product's data/ folder, found by walking up
// from the running bundle (dist/ in the package, out/… in tests), and users' CSVs under the size limit.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { readFileWithin } from '../io/node-files';
import { DEFAULT_SIZE_LIMIT, type SizeLimit } from '../io/size-limit';
import type { TrainingSpec } from '../model/training-spec';
import type { Dataset } from './dataset';
import { loadData, type DataSource } from './load';

function findDataDir(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'data', 'PROVENANCE.md'))) return join(dir, 'data');
    if (dirname(dir) === dir)
      throw new Error('the built-in data sets (data/*.csv) are missing from the installation');
  }
}

/** Users' files are refused unread when larger than `limit`. */
export function nodeDataSourceWithin(limit: SizeLimit): DataSource {
  return {
    readFile: (path) => readFileWithin(path, limit).toString('utf8'),
    readBuiltin: (name) => readFileSync(builtinCsvPath(name), 'utf8'),
  };
}

export const nodeDataSource: DataSource = nodeDataSourceWithin(DEFAULT_SIZE_LIMIT);

/** The file of a built-in CSV set (`digits`, …), for reading its header. */
export const builtinCsvPath = (name: string): string => join(findDataDir(), `${name}.csv`);

/** A training block's data as a spec `loadData` reads: a CSV there is relative to the model file. */
export function trainingDataSpec(model: string, data: string): string {
  return data.startsWith('builtin:') || isAbsolute(data) ? data : resolve(dirname(model), data);
}

/**
 * The data set a model trains on: `chosen` (the CLI's --data, the panel's choice) or the one its training
 * block names, a CSV there being relative to the model file; the class column likewise. `name` is the
 * data as chosen or written. Undefined when neither names any.
 */
export function modelData(
  model: string,
  spec: TrainingSpec,
  limit: SizeLimit,
  chosen: { data?: string; labelColumn?: string } = {},
): { name: string; data: Dataset } | undefined {
  const name = chosen.data ?? spec.data;
  if (name === undefined) return undefined;
  const path = chosen.data ?? trainingDataSpec(model, name);
  const labelColumn = chosen.labelColumn ?? spec.labelColumn;
  return { name, data: loadData(path, nodeDataSourceWithin(limit), spec.seed, { labelColumn }) };
}
