// Writes THIRD-PARTY-NOTICES.md, which ships in the VSIX: every npm package esbuild inlines into the
// shipped bundles (read from the bundles' metafiles, so the list follows the code), the files copied
// from packages, each with its version, licence and licence text, then the data sets in data/.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Licence texts for packages whose npm tarball has a `license` field but no licence file: files in
 * licenses/ (its README says where each comes from), or the header comment of a file the package ships.
 * `version` is the release the texts were taken from; another installed version stops the build, so an
 * upgrade cannot ship the old release's notices.
 */
export const LICENCE_SOURCES = {
  'onnxruntime-node': {
    version: '1.30.0',
    // The native library's third-party notices ship beside it (scripts/onnxruntime-files.mjs).
    files: ['onnxruntime-LICENSE.txt'],
  },
  'onnxruntime-common': { version: '1.30.0', files: ['onnxruntime-LICENSE.txt'] },
  '@tensorflow/tfjs-backend-cpu': { version: '4.22.0', files: ['tfjs-LICENSE.txt'] },
  '@tensorflow/tfjs-backend-wasm': { version: '4.22.0', files: ['tfjs-LICENSE.txt'] },
  '@tensorflow/tfjs-converter': { version: '4.22.0', files: ['tfjs-LICENSE.txt'] },
  '@tensorflow/tfjs-core': { version: '4.22.0', files: ['tfjs-LICENSE.txt'] },
  '@tensorflow/tfjs-layers': { version: '4.22.0', files: ['tfjs-layers-LICENSE.txt'] },
  seedrandom: { version: '3.0.5', header: 'seedrandom.js' },
};

/**
 * Licence texts of other projects whose code a bundled package carries (licenses/, as for the .wasm's
 * libraries below): jsfive is public domain but "based in large part on" pyfive, BSD-3-Clause, whose
 * copyright line its LICENSE.txt keeps without the licence's text.
 */
export const BUNDLED_EMBEDDED = {
  jsfive: [['pyfive-LICENSE.txt', 'pyfive (BSD-3-Clause), on which jsfive is based']],
};

/** Libraries compiled into tfjs-backend-wasm's .wasm (pinned by tfjs 4.22.0's WORKSPACE), with their texts. */
export const TFJS_WASM_LIBRARIES = [
  ['XNNPACK-LICENSE.txt', 'XNNPACK'],
  ['pthreadpool-LICENSE.txt', 'pthreadpool'],
  ['FP16-LICENSE.txt', 'FP16'],
  ['FXdiv-LICENSE.txt', 'FXdiv'],
  ['psimd-LICENSE.txt', 'psimd'],
  ['cpuinfo-LICENSE.txt', 'cpuinfo'],
  ['clog-LICENSE.txt', 'clog (from cpuinfo)'],
  ['emscripten-LICENSE.txt', 'Emscripten 3.1.28 runtime'],
  ['musl-COPYRIGHT.txt', 'musl libc (in Emscripten)'],
  ['libcxx-LICENSE.txt', 'libc++ (in Emscripten)'],
  ['libcxxabi-LICENSE.txt', 'libc++abi (in Emscripten)'],
  ['compiler-rt-LICENSE.txt', 'compiler-rt (in Emscripten)'],
];

/** The package folders (node_modules/…/name or @scope/name) that the bundles' inputs come from. */
export function bundledPackages(metafiles) {
  const folders = new Set();
  for (const meta of metafiles) {
    for (const input of Object.keys(meta.inputs)) {
      const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.replace(/\\/g, '/'));
      if (m) folders.add(m[1]);
    }
  }
  return [...folders];
}

const licenseFile = (file) => readFileSync(join('licenses', file), 'utf8');

/** A package's licence texts: its own licence file, or those LICENCE_SOURCES names for it. */
function licenceTexts(folder, name, version) {
  const own = readdirSync(folder).find((f) => /^licen[cs]e(-code)?(\.md|\.txt)?$/i.test(f));
  if (own) return [{ text: readFileSync(join(folder, own), 'utf8') }];
  const source = LICENCE_SOURCES[name];
  if (!source) return [];
  if (source.version !== version) {
    throw new Error(
      `${name} ${version} is installed, the licence texts in licenses/ are of ${source.version}: update them (licenses/README.md)`,
    );
  }
  if (source.header)
    return [{ text: /^\/\*([\s\S]*?)\*\//.exec(readFileSync(join(folder, source.header), 'utf8'))[1] }];
  return source.files.map((file) => ({ text: licenseFile(file) }));
}

/**
 * A package's section. A text already given above (tfjs's Apache licence serves five packages) is
 * referred to, not repeated: `seen` maps each text to the section that gave it.
 */
function packageNotice(folder, use, seen, embedded = []) {
  const { name, version, license, homepage } = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
  const heading = `${name} ${version}`;
  const blocks = [
    ...licenceTexts(folder, name, version),
    ...embedded.map(([file, title]) => ({ title, text: licenseFile(file) })),
  ];
  return [
    `### ${heading}`,
    '',
    `Licence: ${license ?? 'see below'}. ${use}${homepage ? ` Home: ${homepage}` : ''}`,
    '',
    ...blocks.flatMap(({ title, text }) => {
      const key = text.trim();
      const first = seen.get(key);
      if (!first) seen.set(key, heading);
      return [
        ...(title ? [`#### ${title}`, ''] : []),
        ...(first ? [`Licence text: as for ${first} above.`] : ['```text', key, '```']),
        '',
      ];
    }),
  ].join('\n');
}

/**
 * @param metafiles esbuild metafiles of the shipped bundles
 * @param copied package folders whose files are copied into dist/ as they are, with what is copied and the
 *   licence files of the libraries compiled into them (`embedded`, as in TFJS_WASM_LIBRARIES)
 */
export function writeNotices(metafiles, copied) {
  const bundled = bundledPackages(metafiles)
    .filter((f) => existsSync(join(f, 'package.json')))
    .map((f) => ({ f, name: JSON.parse(readFileSync(join(f, 'package.json'), 'utf8')).name }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const provenance = readFileSync('data/PROVENANCE.md', 'utf8')
    .replace(/^# .*\n/, '')
    .trim();
  const seen = new Map();
  const text = [
    '# Third-party notices',
    '',
    'Dropout Lens ships code and data made by others. This file is generated by',
    '`scripts/third-party-notices.mjs` on every build from the packages that are really in the bundles.',
    '',
    '## npm packages inlined into dist/',
    '',
    ...bundled.map(({ f, name }) =>
      packageNotice(f, 'Bundled into dist/ by esbuild.', seen, BUNDLED_EMBEDDED[name] ?? []),
    ),
    '## Files copied from npm packages',
    '',
    ...copied.map(({ folder, what, embedded }) => packageNotice(folder, `Copied: ${what}.`, seen, embedded)),
    '## Data sets in data/',
    '',
    provenance,
    '',
  ].join('\n');
  writeFileSync('THIRD-PARTY-NOTICES.md', text);
}
