// The layering rules of .dependency-cruiser.cjs fire: a small tree with one import per forbidden arrow
// (and the allowed arrows beside them) is checked with the project's own configuration, and each
// violation must be reported under its rule, and nothing else.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const ROOT = process.cwd();
const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

/** Every file exports `x`; `imports` lists [path, 'value' | 'type'] pairs relative to the tree's root. */
const TREE: Record<string, [string, 'value' | 'type'][]> = {
  // Allowed: the extension, worker and CLI use core and protocol; core's parts and the engine's point down
  // their lists.
  'src/extension/activate.ts': [
    ['src/extension/panel.ts', 'value'],
    ['src/protocol/worker.ts', 'value'],
  ],
  'src/extension/panel.ts': [['src/core/engine/network.ts', 'value']],
  'src/worker/main.ts': [
    ['src/worker/a.ts', 'value'],
    ['src/extension/panel.ts', 'value'], // hosts-apart
  ],
  'src/worker/a.ts': [['src/worker/b.ts', 'value']],
  'src/worker/b.ts': [['src/worker/a.ts', 'value']], // no-circular
  'src/cli/main.ts': [
    ['src/core/lint/engine.ts', 'value'],
    ['src/core/fix/fix-onnx.ts', 'value'],
    ['src/core/novel/thing.ts', 'value'],
  ],
  'src/core/fix/fix-onnx.ts': [['src/core/formats/onnx/reader.ts', 'value']],
  'src/core/engine/network.ts': [
    ['src/core/formats/onnx/reader.ts', 'value'],
    ['src/core/random/rng.ts', 'value'],
    ['src/core/engine/kernels/kernels.ts', 'value'],
    ['src/core/engine/odd.ts', 'value'],
  ],
  'src/core/engine/kernels/kernels.ts': [
    ['src/core/engine/tensor.ts', 'value'],
    ['src/core/engine/layers/layer.ts', 'type'], // engine-layers-kernels
  ],
  'src/core/engine/layers/layer.ts': [['src/core/engine/engine-error.ts', 'value']],
  'src/core/engine/engine-error.ts': [],
  'src/core/engine/odd.ts': [['src/core/engine/tensor.ts', 'value']], // engine-parts-known
  'src/core/lint/engine.ts': [
    ['src/core/formats/detect.ts', 'value'],
    ['src/core/formats/onnx/reader.ts', 'value'], // lint-not-to-format-internals
  ],
  'src/core/formats/detect.ts': [['src/core/formats/onnx/reader.ts', 'value']],
  'src/core/formats/onnx/reader.ts': [
    ['src/core/model/ir.ts', 'type'],
    ['src/core/engine/tensor.ts', 'value'], // core-layers-formats
  ],
  'src/core/engine/tensor.ts': [],
  'src/core/model/ir.ts': [['src/core/data/split.ts', 'value']], // core-layers-model
  'src/core/data/split.ts': [['src/core/random/rng.ts', 'value']],
  'src/core/random/rng.ts': [],
  'src/core/novel/thing.ts': [['src/core/random/rng.ts', 'value']], // core-parts-known
  'src/protocol/worker.ts': [
    ['src/core/model/ir.ts', 'type'],
    ['src/core/data/split.ts', 'value'], // protocol-is-the-contract
  ],
  'webview/train/main.ts': [
    ['src/protocol/worker.ts', 'type'],
    ['src/core/engine/network.ts', 'type'], // webview-only-protocol
  ],
};

const EXPECTED = [
  'core-layers-formats: src/core/formats/onnx/reader.ts → src/core/engine/tensor.ts',
  'core-layers-model: src/core/model/ir.ts → src/core/data/split.ts',
  'core-parts-known: src/core/novel/thing.ts → src/core/random/rng.ts',
  'engine-layers-kernels: src/core/engine/kernels/kernels.ts → src/core/engine/layers/layer.ts',
  'engine-parts-known: src/core/engine/odd.ts → src/core/engine/tensor.ts',
  'hosts-apart: src/worker/main.ts → src/extension/panel.ts',
  'lint-not-to-format-internals: src/core/lint/engine.ts → src/core/formats/onnx/reader.ts',
  'no-circular: src/worker/a.ts → src/worker/b.ts',
  'protocol-is-the-contract: src/protocol/worker.ts → src/core/data/split.ts',
  'webview-only-protocol: webview/train/main.ts → src/core/engine/network.ts',
];

/** The relative import specifier of `to` in `from` (both relative to the tree's root). */
function specifier(from: string, to: string): string {
  const up = from.split('/').length - 1;
  return `${'../'.repeat(up)}${to.replace(/\.ts$/, '')}`;
}

/** A file's text: its imports (`import type` for the type-only ones), then what it exports. */
function source(file: string, imports: [string, 'value' | 'type'][]): string {
  const lines = imports.map(([to, kind], i) =>
    kind === 'type'
      ? `import type { X as T${i} } from '${specifier(file, to)}';`
      : `import { x as v${i} } from '${specifier(file, to)}';`,
  );
  return [...lines, 'export type X = number;', 'export const x = 1;', ''].join('\n');
}

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

describe('layering rules (.dependency-cruiser.cjs)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'dl-layering-'));
    for (const [file, imports] of Object.entries(TREE)) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), source(file, imports));
    }
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true } }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reports each forbidden import and cycle under its rule, and no allowed arrow', () => {
    const r = spawnSync(
      process.execPath,
      [
        DEPCRUISE,
        'src',
        'webview',
        '--config',
        resolve(ROOT, '.dependency-cruiser.cjs'),
        '--output-type',
        'json',
      ],
      { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26 },
    );
    assert.equal(r.stderr, '');
    const violations = (JSON.parse(r.stdout).summary.violations as Violation[])
      .map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)
      .sort();
    assert.deepEqual(violations, EXPECTED);
  });
});
