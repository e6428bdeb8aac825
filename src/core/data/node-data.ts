// Data on the local file system: the built-in CSVs from the product's data/ folder, found by walking up
// from the running bundle (dist/ in the package, out/… in tests).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DataSource } from './load';

function findDataDir(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'data', 'PROVENANCE.md'))) return join(dir, 'data');
    if (dirname(dir) === dir)
      throw new Error('the built-in data sets (data/*.csv) are missing from the installation');
  }
}

export const nodeDataSource: DataSource = {
  readFile: (path) => readFileSync(path, 'utf8'),
  readBuiltin: (name) => readFileSync(join(findDataDir(), `${name}.csv`), 'utf8'),
};
