// The layering of DESIGN.md ("Layout" and "Arrows"), written down once and checked by `npm run deps`
// (part of `npm test`'s static stage). An import that breaks a rule fails the check with the rule's name;
// test/unit/layering/rules.test.ts shows each rule firing.
//
// src/core       pure TypeScript: runs in the extension host, the worker and the CLI; knows none of them
// src/protocol   the contract between host, worker and webviews: types and guards
// src/extension, src/worker, src/cli   the three hosts of core, separate programs
// webview/       panel UIs in the browser: their own code and the protocol, nothing else of src/

/**
 * The parts of core, lowest first: a part may import the parts before it, never one after it.
 * A part is [name, what it holds, path under src/core/ (by default its folder)].
 */
const CORE_PARTS = [
  ['random', 'seeded random numbers, drawn by the engine and the data sets'],
  ['model', 'the IR (Graph, Layer, DropoutSpec, GraphEdit) and what is computed from it alone'],
  ['io', 'file access with size limits'],
  ['data', 'built-in data sets, CSV, splits'],
  ['formats', 'readers: onnx/, tfjs/, nnjson/, with detect, reader and the shared helpers at the top'],
  ['lint', 'rules over the IR, their fixes, lint results as plain data'],
  ['export', 'writers and script exporters: plain records in, files out'],
  ['engine', 'trains and runs networks and IR graphs; its own parts are ENGINE_PARTS below'],
  ['runtimes', "the field's runtimes (onnxruntime, TensorFlow.js) behind the engine's McModel interface"],
  ['fix', '"Fix and Save As…": lint, then apply the fixes with a format writer'],
];

/** The parts of core/engine, lowest first, as CORE_PARTS (paths under src/core/engine/). */
const ENGINE_PARTS = [
  ['engine-error', 'EngineError, thrown by every part', 'engine-error\\.ts$'],
  ['tensor', 'tensors, dtypes, workspaces', 'tensor\\.ts$'],
  ['kernels', 'JS and wasm kernels and their selection', 'kernels/'],
  ['layers', 'the engine layers (dense, conv, dropout variants, norm, ...) and their interface', 'layers/'],
  [
    'network',
    'the network, building it from the IR, its weights files, its cost in multiply-adds',
    '(network|build|weights-file|layer-weights|multiply-adds)\\.ts$',
  ],
  ['graph', 'runs an IR graph op by op (ONNX and tfjs)', 'graph/'],
  ['train', 'losses, optimizers, the training loop and session', 'train/'],
  ['mc', 'MC dropout and uncertainty, over networks and graphs', 'mc/'],
];

const hosts = '^src/(extension|worker|cli)/';

/**
 * The rules of an ordered list of parts under `root` ('src/core/'): `<prefix>-parts-known`, every file
 * under root is in one of the parts, so the layer rules cover it; and one `<prefix>-layers-<part>` per
 * part: the arrows point down the list.
 */
function orderedParts(prefix, root, parts) {
  const pathOf = ([p, , path]) => path ?? `${p}/`;
  const alternatives = (list) => list.map(pathOf).join('|') || '$^';
  return [
    {
      name: `${prefix}-parts-known`,
      comment: `Every file of ${root} is in one of its parts (${parts.map(([p]) => p).join(', ')}), so the layer rules cover it.`,
      severity: 'error',
      from: { path: `^${root}`, pathNot: `^${root}(${alternatives(parts)})` },
      to: {},
    },
    ...parts.map((part, i) => ({
      name: `${prefix}-layers-${part[0]}`,
      comment: `${prefix} part ${part[0]} (${part[1]}) imports only the parts below it: ${
        parts
          .slice(0, i)
          .map(([p]) => p)
          .join(', ') || 'none'
      }.`,
      severity: 'error',
      from: { path: `^${root}${pathOf(part)}` },
      to: { path: `^${root}(${alternatives(parts.slice(i + 1))})` },
    })),
  ];
}

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
      name: 'only-the-extension-uses-vscode',
      comment:
        'The editor API exists in the extension host only; the worker, the CLI and webviews run elsewhere.',
      severity: 'error',
      from: { pathNot: '^src/extension/' },
      to: { path: ['^vscode$', '@types/vscode'] },
    },
    {
      name: 'core-is-pure',
      comment: 'core runs in the extension host, the worker and the CLI, and knows none of its callers.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: [hosts, '^src/protocol/', '^webview/'] },
    },
    ...orderedParts('core', 'src/core/', CORE_PARTS),
    ...orderedParts('engine', 'src/core/engine/', ENGINE_PARTS),
    {
      name: 'lint-not-to-format-internals',
      comment:
        "The linter opens files through formats' top-level files (detect, reader), not a format's own.",
      severity: 'error',
      from: { path: '^src/core/lint/' },
      to: { path: '^src/core/formats/[^/]+/' },
    },
    {
      name: 'protocol-is-the-contract',
      comment:
        'protocol holds types and guards. Its values come from protocol only; it may name the plain-data ' +
        'types of core (erased at build time).',
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
      from: { path: hosts },
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
          // Started as a worker thread by two-workers.ts (by file name, not import).
          '^src/core/engine/train/replica-thread\\.ts$',
          '^webview/[^/]+/main\\.ts$',
        ],
      },
      to: {},
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve is a typo or a missing dependency.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    includeOnly: ['^src/', '^webview/', '^media/', '^node_modules/'],
    // AssemblyScript, compiled by asc (scripts/build-wasm.mjs), not imported by TypeScript.
    exclude: { path: '^src/core/engine/kernels/wasm/' },
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
