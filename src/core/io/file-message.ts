// An error about a file says the file's path once: readers' messages start with it already, others
// (file-system errors, a config's) get it in front.
export function namingFile(path: string, message: string): string {
  return message.startsWith(`${path}: `) ? message : `${path}: ${message}`;
}
