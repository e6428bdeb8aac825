// A ModelSource backed by the local file system, confined to the model's folder for sibling reads.
import { readFileSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { ModelSource } from './reader';

/** `bytes`: the file's content when the caller already has it (an editor's unsaved text). */
export function nodeModelSource(path: string, bytes?: Uint8Array): ModelSource {
  const folder = realpathSync(dirname(resolve(path)));
  return {
    path,
    bytes: bytes ?? readFileSync(path),
    readSibling: async (relativePath: string) => {
      if (isAbsolute(relativePath))
        throw new Error(`refusing absolute path "${relativePath}" next to the model`);
      // Checked on the name first (no file system access outside the folder), then through links.
      const leaves = (path: string) => {
        const rel = relative(folder, path);
        return rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..');
      };
      const refuse = () => new Error(`refusing "${relativePath}": it leaves the model's folder`);
      if (leaves(resolve(folder, relativePath))) throw refuse();
      const target = realpathSync(resolve(folder, relativePath));
      if (leaves(target)) throw refuse();
      return readFile(target);
    },
  };
}
