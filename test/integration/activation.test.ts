// Activation must stay under 50 ms. The extension measures itself from the moment its bundle starts
// to run until activate() returns; compiling dist/extension.js happens before that and is timed here on
// the shipped bytes. Printed so the figures show in every run.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';
import * as vscode from 'vscode';
import type { DropoutLensExports } from '../../src/extension/activate';

describe('activation', () => {
  it('takes under 50 ms and leaves the linter, readers and engine unloaded', async () => {
    const extension = vscode.extensions.getExtension<DropoutLensExports>('dropout-lens.dropout-lens');
    assert.ok(extension, 'the extension is installed');
    const { activationMs } = await extension.activate();
    const bundle = join(extension.extensionPath, 'dist', 'extension.js');
    const source = readFileSync(bundle, 'utf8');
    // A unique comment keeps V8's compilation cache (the host already compiled this file) out of it.
    const started = performance.now();
    new Script(`${source}\n// ${Date.now()}`, { filename: bundle });
    const compileMs = performance.now() - started;
    console.log(
      `    activation: ${activationMs.toFixed(2)} ms in the extension's code (bundle top level + activate()), ` +
        `${compileMs.toFixed(2)} ms to compile dist/extension.js (${(source.length / 1024).toFixed(1)} KiB)`,
    );
    assert.ok(activationMs + compileMs < 50, `activation took ${(activationMs + compileMs).toFixed(1)} ms`);
    // No model document has been opened yet, so the rest of the extension must not have been loaded.
    const features = join(extension.extensionPath, 'dist', 'features.js');
    assert.equal(require.cache[features], undefined, 'dist/features.js was loaded at activation');
  });
});
