// "Dropout Lens: Fix and Save As…" for binary model files: applies the safe fixes the format can express
// (ONNX graph edits, a `.keras` file's config.json) and writes a new file chosen in a save dialog (default
// `<name>.fixed.<ext>`). The original is never overwritten; an `.h5` is refused, saying why.
import * as vscode from 'vscode';
import { summariseFixes } from '../core/fix/describe-fix';
import { fixModelFile, fixNotOffered } from '../core/fix/fix-model';
import { BINARY_MODEL, modelToActOn } from './active-model';
import { readWithinLimit } from './file-limit';
import type { LintConfigSource } from './lint-config';
import { uriFileName } from './model-files';
import { MODEL_FILE_EDITOR } from './view-types';

/** `destination` skips the dialog (tests and other commands); the user normally picks it. */
export function fixAndSaveAsCommand(config: LintConfigSource, log: vscode.LogOutputChannel) {
  return async (target?: vscode.Uri, destination?: vscode.Uri): Promise<vscode.Uri | undefined> => {
    const uri = await modelToActOn(BINARY_MODEL, target);
    if (!uri) return undefined;
    const name = uriFileName(uri);
    const refused = fixNotOffered(name);
    if (refused) {
      void vscode.window.showInformationMessage(`Dropout Lens: ${refused}`);
      return undefined;
    }
    const ext = name.slice(name.lastIndexOf('.'));
    const bytes = await readWithinLimit(uri);
    const result = fixModelFile({ path: uri.path, bytes }, await config.get());
    if (result.fixed.length === 0) {
      void vscode.window.showInformationMessage(
        `Dropout Lens: no finding in this model has a fix that can be written into ${ext} (${name}).`,
      );
      return undefined;
    }
    const out =
      destination ??
      (await vscode.window.showSaveDialog({
        defaultUri: uri.with({ path: uri.path.slice(0, -ext.length) + `.fixed${ext}` }),
        filters: { [`${ext.slice(1).toUpperCase()} model`]: [ext.slice(1)] },
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
    const fixed = result.fixed.map((f) => `${f.change} (${f.finding.rule})`);
    log.info(`fixed ${uri.fsPath} → ${out.fsPath}:\n  ${fixed.join('\n  ')}`);
    const fixes = `${fixed.length} fix${fixed.length === 1 ? '' : 'es'}`;
    // The message stays short on a big model; the log above lists every change.
    const summary = summariseFixes(result.fixed.map((f) => ({ change: f.change, rule: f.finding.rule })));
    const left = result.remaining.length;
    const remain = left === 0 ? '' : ` ${left} finding${left === 1 ? ' remains' : 's remain'}.`;
    void vscode.window
      .showInformationMessage(
        `Dropout Lens: saved ${vscode.workspace.asRelativePath(out)} with ${fixes}: ${summary.join('; ')}.${remain}`,
        'Open',
      )
      .then((choice) => {
        if (choice === 'Open') void vscode.commands.executeCommand('vscode.openWith', out, MODEL_FILE_EDITOR);
      });
    return out;
  };
}
