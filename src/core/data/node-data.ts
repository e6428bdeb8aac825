// Data on the local file system: the built-in CSVs from the product's data/ folder, found by walking up
// from the running bundle (dist/ in the package, out/… in tests), and users' CSVs under the size limit.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readFileWithin } from '../io/node-files';
import { DEFAULT_SIZE_LIMIT, type SizeLimit } from '../io/size-limit';
import type { DataSource } from './load';

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
    readBuiltin: (name) => readFileSync(join(findDataDir(), `${name}.csv`), 'utf8'),
  };
}

export const nodeDataSource: DataSource = nodeDataSourceWithin(DEFAULT_SIZE_LIMIT);
