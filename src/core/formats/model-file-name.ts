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
  return file.replace(/(\.nn\.json|\.model\.json|\.json|\.onnx|\.keras|\.h5)$/, '') || file;
}

/**
 * Extensions of the model files that are not text (ONNX protobuf, Keras zip, Keras HDF5): the editor shows
 * them in the model view, puts their findings on their layers and fixes them with Fix and Save As, never
 * with text edits. package.json lists the same extensions (activation, custom editor, menus; a unit test
 * holds the two together).
 */
export const BINARY_MODEL_EXTENSIONS = ['.onnx', '.keras', '.h5'] as const;

export function isBinaryModelFileName(name: string): boolean {
  return BINARY_MODEL_EXTENSIONS.some((ext) => name.endsWith(ext));
}

/**
 * Whether a file so named that no reader accepts deserves an error: its name says it is a model. A
 * `model.json` or an `.h5` can as well be some other JSON or HDF5 data, of which nothing is said.
 */
export function nameClaimsModel(name: string): boolean {
  return name.endsWith('.nn.json') || name.endsWith('.onnx') || name.endsWith('.keras');
}

/** Names of files the product treats as model files when it walks a folder. */
export function isModelFileName(name: string): boolean {
  return (
    name.endsWith('.nn.json') ||
    isBinaryModelFileName(name) ||
    name === 'model.json' ||
    name.endsWith('.model.json')
  );
}

/** The same names as a glob of the editor's file search (Lint Workspace). */
export const MODEL_FILE_GLOB = `**/{*.nn.json,model.json,*.model.json,${BINARY_MODEL_EXTENSIONS.map((e) => `*${e}`).join(',')}}`;
