// File globs for `.dropoutlens.json` (`mcModels`), matched against '/'-separated paths relative to the
// folder of the file that lists them: `*` and `?` stay within one path segment, `**` spans segments,
// `{a,b}` chooses, `[abc]` / `[!abc]` match one character. Core runs in the CLI, the worker and the
// extension host alike, so this cannot lean on VS Code's RelativePattern.

/** A glob compiled to a regular expression, or the reason it is not a valid glob. */
export function compileGlob(glob: string): RegExp | string {
  if (glob.trim() === '') return 'a glob cannot be empty';
  if (glob.startsWith('/') || /^[a-z]:/i.test(glob))
    return 'a glob is relative to the folder of .dropoutlens.json, not an absolute path';
  if (glob.includes('\\')) return 'use "/" between folders, not "\\"';
  let source = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      const segment = (i === 0 || glob[i - 1] === '/') && (i + 2 === glob.length || glob[i + 2] === '/');
      if (!segment) return '"**" must be a whole path segment, as in "models/**/*.onnx"';
      // "**/" matches zero or more folders; a final "**" anything below.
      source += i + 2 === glob.length ? '.*' : '(?:[^/]+/)*';
      i += 2;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const negated = glob[i + 1] === '!' || glob[i + 1] === '^';
      const first = i + (negated ? 2 : 1);
      // A ']' right after the opening is a member, so a set is never empty.
      const end = glob.indexOf(']', first + 1);
      if (end < 0) return `"[" at character ${i + 1} has no closing "]"`;
      const members = glob.slice(first, end);
      const where = `"${glob.slice(i, end + 1)}" at character ${i + 1}`;
      if (members.includes('/')) return `${where}: a set matches one character of a name, never "/"`;
      // A negated set stays within one path segment, like "?".
      const set = `[${negated ? '^/' : ''}${members.replace(/[\\\]^]/g, '\\$&')}]`;
      try {
        new RegExp(set);
      } catch {
        return `${where}: a range must run from the lower character to the higher, as in "[a-z]"`;
      }
      source += set;
      i = end;
    } else if (c === '{') {
      braces++;
      source += '(?:';
    } else if (c === ',' && braces > 0) source += '|';
    else if (c === '}' && braces > 0) {
      braces--;
      source += ')';
    } else source += c.replace(/[.+^$()|\]{}]/g, '\\$&');
  }
  if (braces > 0) return 'a "{" has no closing "}"';
  return new RegExp(`^${source}$`);
}

/** A path with '/' separators and a lower-case drive letter, without the leading '/' of a URI path. */
export function normalisePath(path: string): string {
  const slashed = path.replace(/\\/g, '/');
  return slashed.replace(/^\/?([A-Za-z]):\//, (_, drive: string) => `${drive.toLowerCase()}:/`);
}

/** `path` relative to the folder `base` ('/'-separated), or undefined when it is not inside it. */
export function relativePath(base: string, path: string): string | undefined {
  const folder = normalisePath(base).replace(/\/+$/, '');
  const file = normalisePath(path);
  return file.startsWith(`${folder}/`) ? file.slice(folder.length + 1) : undefined;
}
