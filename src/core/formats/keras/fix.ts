// Writes a repaired `.keras` for Fix and Save As…: the same zip with its config.json replaced. Every other
// entry keeps its name, order, bytes and compression method (Keras stores them all), so the weights and
// metadata.json are what Keras wrote. The zip's headers are written anew, so entry times are the fix's.
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { ModelFormatError } from '../reader';
import { CONFIG_ENTRY, readKerasEntries } from './archive';

/** Deflate's default level, for an entry the original compressed. */
const DEFLATE_LEVEL = 6;

export function replaceKerasConfig(bytes: Uint8Array, config: string, path: string): Uint8Array {
  // The reader's checks first, on every entry (names that climb out, zip bombs), before inflating all.
  if (!readKerasEntries(bytes, path, [CONFIG_ENTRY]).has(CONFIG_ENTRY))
    throw new ModelFormatError('keras', `${path}: the .keras zip has no ${CONFIG_ENTRY}`, {
      node: CONFIG_ENTRY,
    });
  const stored = new Set<string>();
  const entries = unzipSync(bytes, {
    filter: (file) => {
      if (file.compression === 0) stored.add(file.name);
      return true;
    },
  });
  const out: Zippable = {};
  for (const [name, data] of Object.entries(entries)) {
    const level = stored.has(name) ? 0 : DEFLATE_LEVEL;
    out[name] = [name === CONFIG_ENTRY ? new TextEncoder().encode(config) : data, { level }];
  }
  return zipSync(out);
}
