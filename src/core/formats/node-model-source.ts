// A ModelSource backed by the local file system, confined to the model's folder for sibling reads.
import { readFileSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { ModelSource } from './reader';

export function nodeModelSource(path: string): ModelSource {
  const folder = realpathSync(dirname(resolve(path)));
  return {
    path,
    bytes: readFileSync(path),
    readSibling: async (relativePath: string) => {
      if (isAbsolute(relativePath))
        throw new Error(`refusing absolute path "${relativePath}" next to the model`);
      const target = realpathSync(resolve(folder, relativePath));
      const rel = relative(folder, target);
      if (rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) {
        throw new Error(`refusing "${relativePath}": it leaves the model's folder`);
      }
      return readFile(target);
    },
  };
}
