// The layering of DESIGN.md ("Layout" and "Arrows"), written down once and checked by `npm run deps`
// (part of `npm test`'s static stage). An import that breaks a rule fails the check with the rule's name.
// Violations being removed are listed in .dependency-cruiser-known-violations.json (read with
// --ignore-known); remove an entry when its import goes, never add one to let a new import in.
//
// src/core          pure TypeScript, runs in the extension host, the worker and the CLI
//   model/          the IR; imports nothing else of core
//   random/         seeded random numbers; imports nothing
//   io/, data/      file helpers, data sets (data uses random, never the engine)
//   formats/        readers (onnx/, tfjs/, nnjson/) and their shared helpers at the top
//   lint/           rules and fixes over the IR; reaches formats only through their top-level API
//   engine/         tensors, layers/, train/, mc/, graph/ (runs IR graphs), kernels/
//   export/         writers and script exporters: plain records in, files out; no engine objects
// src/protocol      the contract between host, worker and webviews: types and guards
// src/worker, src/extension, src/cli   the three hosts of core
// webview/          panel UIs in the browser: their own code and the protocol, nothing else of src/

/** Paths as regular expressions. */
const core = '^src/core/';
const hosts = '^src/(extension|worker|cli)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A cycle makes its files one unit: none can be understood, tested or moved alone.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-pure',
      comment: 'core runs in the extension host, the worker and the CLI, and knows none of its callers.',
      severity: 'error',
      from: { path: core },
      to: { path: [hosts, '^src/protocol/', '^webview/'] },
    },
    {
      name: 'only-the-extension-uses-vscode',
      comment:
        'The editor API exists in the extension host only; the worker, the CLI and webviews run elsewhere.',
      severity: 'error',
      from: { pathNot: '^src/extension/' },
      to: { path: ['^vscode$', '@types/vscode'] },
    },
    {
      name: 'model-is-the-bottom',
      comment: 'The IR is what every other part of core speaks; it depends on none of them.',
      severity: 'error',
      from: { path: '^src/core/model/' },
      to: { path: core, pathNot: ['^src/core/model/', '^src/core/random/'] },
    },
    {
      name: 'random-is-a-leaf',
      comment: 'Seeded random numbers sit below the engine and the data sets, which both draw from them.',
      severity: 'error',
      from: { path: '^src/core/random/' },
      to: { path: '^src/' },
    },
    {
      name: 'data-not-to-engine',
      comment: 'Data sets feed the engine; they never need it.',
      severity: 'error',
      from: { path: '^src/core/(data|io)/' },
      to: { path: '^src/core/(engine|formats|lint|export)/' },
    },
    {
      name: 'formats-not-to-engine',
      comment: 'Readers turn files into the IR; the engine runs the IR. Writers take plain records.',
      severity: 'error',
      from: { path: '^src/core/formats/' },
      to: { path: '^src/core/(engine|lint)/' },
    },
    {
      name: 'export-not-to-engine',
      comment:
        'Writers and script exporters take plain records (input, layers, weights), not engine objects.',
      severity: 'error',
      from: { path: '^src/core/export/' },
      to: { path: '^src/core/(engine|lint)/' },
    },
    {
      name: 'lint-not-to-format-internals',
      comment: 'Rules see the IR; the linter opens files through formats/ top-level files (detect, reader).',
      severity: 'error',
      from: { path: '^src/core/lint/' },
      to: { path: ['^src/core/formats/[^/]+/', '^src/core/engine/'] },
    },
    {
      name: 'protocol-is-the-contract',
      comment:
        'protocol holds types and guards. Its values come from protocol only; it may name the plain-data ' +
        "types of core (erased at build time), never a host's or a webview's code.",
      severity: 'error',
      from: { path: '^src/protocol/' },
      to: { pathNot: '^src/protocol/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'protocol-not-to-hosts',
      comment: 'The contract does not depend on either side of it.',
      severity: 'error',
      from: { path: '^src/protocol/' },
      to: { path: [hosts, '^webview/'] },
    },
    {
      name: 'webview-only-protocol',
      comment: 'A webview is a web page: it talks to the host through protocol types, and runs no core code.',
      severity: 'error',
      from: { path: '^webview/' },
      to: { path: '^src/', pathNot: '^src/protocol/' },
    },
    {
      name: 'hosts-apart',
      comment:
        'The extension, the worker and the CLI are separate programs (separate bundles) that share core ' +
        'and protocol; one never imports another.',
      severity: 'error',
      from: { path: '^src/(extension|worker|cli)/' },
      to: { path: [hosts, '^webview/'], pathNot: '^src/$1/' },
    },
    {
      name: 'no-orphans',
      comment: 'A file nothing imports is dead code, unless it is an entry point.',
      severity: 'error',
      from: {
        orphan: true,
        pathNot: [
          '\\.d\\.ts$',
          '^src/extension/activate\\.ts$',
          '^src/worker/main\\.ts$',
          '^src/cli/main\\.ts$',
          '^webview/[^/]+/main\\.ts$',
          '^src/core/engine/kernels/wasm/',
        ],
      },
      to: {},
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve is a typo or a missing dependency.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^vscode$' },
    },
  ],
  options: {
    includeOnly: ['^src/', '^webview/', '^media/', '^node_modules/'],
    exclude: { path: '^src/core/engine/kernels/wasm/' },
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
