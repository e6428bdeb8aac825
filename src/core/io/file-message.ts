// An error about a file says the file's path once: readers' messages start with it already ("path: …",
// "path:3:14: …" with the place, "path is 3000 MB …" over the size limit), others (file-system errors, a
// config's) get it in front.
export function namingFile(path: string, message: string): string {
  const after = message.startsWith(path) ? message.charAt(path.length) : '';
  return after === ':' || after === ' ' ? message : `${path}: ${message}`;
}
