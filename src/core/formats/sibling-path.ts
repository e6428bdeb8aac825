// Names of files a model points at (ONNX external data, tfjs weight shards, the .nn.json weights sidecar)
// must stay inside the model's folder. This checks the name alone, the same on every platform, before
// the file system is touched; the caller then checks the real path through links.

/** Why `name` may not be read beside a model, or undefined when it is a plain relative path. */
export function siblingPathProblem(name: string): string | undefined {
  if (name === '') return 'the file name is empty';
  if (name.includes('\0')) return 'the file name holds a NUL character';
  if (/^[a-z][a-z0-9+.-]+:/i.test(name)) return 'it is a URL, not a file beside the model';
  if (/^[a-z]:/i.test(name)) return 'it names a drive';
  if (name.startsWith('/') || name.startsWith('\\')) return 'it is an absolute path';
  if (name.split(/[/\\]/).includes('..')) return 'it leaves the model\'s folder ("..")';
  return undefined;
}
