// Which file names are model files: a check on the name alone, so callers that only filter names (the
// editor's activation path, folder walks) load no reader.

/** Names of files the product treats as model files when it walks a folder. */
export function isModelFileName(name: string): boolean {
  return (
    name.endsWith('.nn.json') ||
    name.endsWith('.onnx') ||
    name === 'model.json' ||
    name.endsWith('.model.json')
  );
}
