// The Keras 3 `.keras` file: a zip holding `metadata.json`, `config.json` and `model.weights.h5`
// (keras/src/saving/saving_lib.py). Only the entries asked for are inflated, and each entry's declared
// sizes are checked before it is: a name that climbs out (`..`) or is absolute, an entry larger than
// MAX_ENTRY_BYTES or compressed more than MAX_RATIO times (a zip bomb) is refused with its name.
import { unzipSync, type UnzipFileInfo } from 'fflate';
import { ModelFormatError } from '../reader';

export const CONFIG_ENTRY = 'config.json';
export const METADATA_ENTRY = 'metadata.json';
export const WEIGHTS_ENTRY = 'model.weights.h5';

/** Keras writes stored entries (ratio 1) and deflate reaches ~1000× only on degenerate data. */
export const MAX_RATIO = 100;
/** Node's largest Buffer is 4 GB; a Keras model above 2 GB of weights is sharded, not one entry. */
export const MAX_ENTRY_BYTES = 2 ** 31;

const unsafeName = (name: string): boolean =>
  name.startsWith('/') ||
  name.startsWith('\\') ||
  /^[A-Za-z]:/.test(name) ||
  name.split(/[\\/]/).includes('..');

function refuse(path: string, entry: string, why: string): never {
  throw new ModelFormatError('keras', `${path}: zip entry "${entry}" ${why}`, { node: entry });
}

/** Checks one entry's declared sizes; every entry is checked, read or not. */
function checkEntry(path: string, file: UnzipFileInfo, archiveBytes: number): void {
  const { name, size, originalSize, compression } = file;
  if (unsafeName(name)) refuse(path, name, 'has a path that leaves the archive (".." or absolute); refused');
  if (size > archiveBytes)
    refuse(path, name, `declares ${size} compressed bytes, more than the file's ${archiveBytes}`);
  if (originalSize > MAX_ENTRY_BYTES)
    refuse(path, name, `declares ${originalSize} bytes, above the ${MAX_ENTRY_BYTES}-byte limit; refused`);
  if (compression === 0 && originalSize !== size)
    refuse(path, name, `is stored uncompressed but declares ${originalSize} bytes for ${size} stored`);
  if (originalSize > MAX_RATIO * Math.max(size, 1))
    refuse(
      path,
      name,
      `declares ${originalSize} bytes from ${size} compressed (more than ${MAX_RATIO}×): a zip bomb; refused`,
    );
}

/**
 * The named entries of a `.keras` zip (absent ones are missing from the result). Throws a
 * ModelFormatError naming the file and the entry for a damaged or hostile archive.
 */
export function readKerasEntries(
  bytes: Uint8Array,
  path: string,
  names: readonly string[],
): Map<string, Uint8Array> {
  let files: Record<string, Uint8Array>;
  const declared = new Map<string, number>();
  try {
    files = unzipSync(bytes, {
      filter: (file) => {
        checkEntry(path, file, bytes.length);
        declared.set(file.name, file.originalSize);
        return names.includes(file.name);
      },
    });
  } catch (e) {
    if (e instanceof ModelFormatError) throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw new ModelFormatError(
      'keras',
      `${path}: not a readable .keras zip (${why}; truncated or damaged?)`,
      {
        byteOffset: bytes.length,
      },
    );
  }
  const found = Object.entries(files).filter(([name]) => names.includes(name));
  // A stored entry cut short by truncation comes back short rather than failing.
  for (const [name, data] of found)
    if (data.length !== declared.get(name))
      refuse(path, name, `holds ${data.length} bytes but declares ${declared.get(name)} (truncated?)`);
  return new Map(found);
}

/** The text of `config.json` (the model's architecture); a zip without one is not a Keras model. */
export function readKerasConfigText(bytes: Uint8Array, path: string): { config: string; metadata?: string } {
  const entries = readKerasEntries(bytes, path, [CONFIG_ENTRY, METADATA_ENTRY]);
  const config = entries.get(CONFIG_ENTRY);
  if (!config)
    throw new ModelFormatError('keras', `${path}: the .keras zip has no ${CONFIG_ENTRY}`, {
      node: CONFIG_ENTRY,
    });
  const metadata = entries.get(METADATA_ENTRY);
  const decoder = new TextDecoder('utf-8');
  return { config: decoder.decode(config), ...(metadata ? { metadata: decoder.decode(metadata) } : {}) };
}
