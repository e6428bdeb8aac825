// A ModelSource backed by the local file system, confined to the model's folder for sibling reads, and
// refusing files over the size limit before reading them.
import { realpathSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { readFileWithin, readFileWithinAsync } from '../io/node-files';
import { DEFAULT_SIZE_LIMIT, type SizeLimit } from '../io/size-limit';
import type { ModelSource } from './reader';
import { siblingPathProblem } from './sibling-path';

/** `bytes`: the file's content when the caller already has it (an editor's unsaved text). */
export function nodeModelSource(
  path: string,
  limit: SizeLimit = DEFAULT_SIZE_LIMIT,
  bytes?: Uint8Array,
): ModelSource {
  const folder = realpathSync(dirname(resolve(path)));
  /** The real path of a file beside the model; refuses names and links that leave its folder. */
  const sibling = (relativePath: string): string => {
    // Checked on the name first (no file system access outside the folder), then through links.
    const problem = siblingPathProblem(relativePath);
    if (problem) throw new Error(`refusing "${relativePath}": ${problem}`);
    const leaves = (path: string) => {
      const rel = relative(folder, path);
      return rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..');
    };
    const refuse = () => new Error(`refusing "${relativePath}": it leaves the model's folder`);
    if (leaves(resolve(folder, relativePath))) throw refuse();
    const target = realpathSync(resolve(folder, relativePath));
    if (leaves(target)) throw refuse();
    return target;
  };
  return {
    path,
    bytes: bytes ?? readFileWithin(path, limit),
    readSibling: async (relativePath: string) => readFileWithinAsync(sibling(relativePath), limit),
    siblingSize: async (relativePath: string) => (await stat(sibling(relativePath))).size,
  };
}
