// Loads TensorFlow.js on first use. The bundles map `./library` to dist/tfjs-runtime.js (esbuild.mjs), a
// file of its own, so nothing pays for parsing tfjs until a tfjs model runs.
export type TfjsLibrary = typeof import('./library.js');

let loaded: Promise<TfjsLibrary> | undefined;

export function loadTfjs(): Promise<TfjsLibrary> {
  return (loaded ??= import('./library.js'));
}
