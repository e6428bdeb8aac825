// Which file names are model files: a check on the name alone, so callers that only filter names (the
// editor's activation path, folder walks) load no reader.

/**
 * What to call a model whose file names none: the file's stem, or for a TensorFlow.js `model.json`
 * (always so named) its folder's name.
 */
export function modelNameFromPath(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  const file = parts.at(-1) ?? path;
  if (file === 'model.json' && parts.length > 1) return parts.at(-2) as string;
  return file.replace(/(\.nn\.json|\.model\.json|\.json|\.onnx)$/, '') || file;
}

/** Names of files the product treats as model files when it walks a folder. */
export function isModelFileName(name: string): boolean {
  return (
    name.endsWith('.nn.json') ||
    name.endsWith('.onnx') ||
    name === 'model.json' ||
    name.endsWith('.model.json')
  );
}
