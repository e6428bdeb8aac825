// The product version, set by esbuild from package.json ("dev" when run from unbundled sources).
declare const __VERSION__: string | undefined;
export const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : 'dev';
