// "Dropout Lens: Fix and Save As…" for ONNX: applies the safe fixes ONNX can express and writes a new
// file chosen in a save dialog (default `<name>.fixed.onnx`). The original is never overwritten.
import * as vscode from 'vscode';
import { fixOnnx } from '../core/fix/fix-onnx';
import { modelToActOn, ONNX_MODEL } from './active-model';
import { readWithinLimit } from './file-limit';
import type { LintConfigSource } from './lint-config';

/** `destination` skips the dialog (tests and other commands); the user normally picks it. */
export function fixAndSaveAsCommand(config: LintConfigSource, log: vscode.LogOutputChannel) {
  return async (target?: vscode.Uri, destination?: vscode.Uri): Promise<vscode.Uri | undefined> => {
    const uri = await modelToActOn(ONNX_MODEL, target);
    if (!uri) return undefined;
    const bytes = await readWithinLimit(uri);
    const result = fixOnnx({ path: uri.path, bytes }, await config.get());
    if (result.fixed.length === 0) {
      void vscode.window.showInformationMessage('Dropout Lens: no finding in this model has a fix for ONNX.');
      return undefined;
    }
    const out =
      destination ??
      (await vscode.window.showSaveDialog({
        defaultUri: uri.with({ path: uri.path.replace(/\.onnx$/i, '.fixed.onnx') }),
        filters: { ONNX: ['onnx'] },
        saveLabel: 'Save Fixed Model',
      }));
    if (!out) return undefined;
    if (out.toString() === uri.toString()) {
      void vscode.window.showErrorMessage(
        'Dropout Lens: choose a new file; the original model is kept as it is.',
      );
      return undefined;
    }
    await vscode.workspace.fs.writeFile(out, result.bytes);
    const fixed = result.fixed.map((f) => `${f.finding.rule} (${f.finding.layer.name}): ${f.fix.title}`);
    log.info(`fixed ${uri.fsPath} → ${out.fsPath}:\n  ${fixed.join('\n  ')}`);
    void vscode.window.showInformationMessage(
      `Dropout Lens: ${result.fixed.length} fix(es) applied, saved as ${vscode.workspace.asRelativePath(out)}` +
        (result.remaining.length ? `; ${result.remaining.length} finding(s) remain.` : '.'),
    );
    return out;
  };
}
