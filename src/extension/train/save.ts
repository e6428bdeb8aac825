// Save and export a trained run, always through a save dialog: the weights sidecar (and, for a
// .nn.json model, its "weights" field set by an editor edit the user saves), an ONNX model, or a
// PyTorch or Keras script with the weights embedded.
import { basename, dirname, relative } from 'node:path';
import { modify, applyEdits } from 'jsonc-parser';
import * as vscode from 'vscode';
import { encodeWeights } from '../../core/formats/nnjson/weights';
import { exportRun } from '../../core/export/export';
import type { SaveKind } from '../../protocol/train-panel';
import type { WireTrainRun } from '../../protocol/worker';

const stem = (model: vscode.Uri) => basename(model.fsPath).replace(/(\.nn)?\.json$/, '');

/** Writes the file the user picks; returns a message for the panel, or undefined when they cancel. */
export async function saveRun(
  kind: SaveKind,
  run: WireTrainRun,
  model: vscode.Uri,
): Promise<string | undefined> {
  const folder = vscode.Uri.file(dirname(model.fsPath));
  const suffix = run.run.replace(/[^\w.-]+/g, '-');
  if (kind === 'onnx') {
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(folder, `${stem(model)}-${suffix}.onnx`),
      filters: { 'ONNX model': ['onnx'] },
      title: `Export run "${run.run}" to ONNX`,
    });
    if (!target) return undefined;
    await vscode.workspace.fs.writeFile(target, exportRun('onnx', { name: stem(model), ...run }));
    return `Exported "${run.run}" to ${vscode.workspace.asRelativePath(target)} (ONNX opset 13, raw features in).`;
  }
  if (kind === 'pytorch' || kind === 'keras') {
    const framework = kind === 'pytorch' ? 'PyTorch' : 'Keras';
    const target = await vscode.window.showSaveDialog({
      // A Python module name: letters, digits and underscores only.
      defaultUri: vscode.Uri.joinPath(folder, `${stem(model)}-${suffix}-${kind}.py`.replace(/[^\w.]/g, '_')),
      filters: { 'Python script': ['py'] },
      title: `Export run "${run.run}" as a ${framework} script`,
    });
    if (!target) return undefined;
    await vscode.workspace.fs.writeFile(target, exportRun(kind, { name: stem(model), ...run }));
    return `Exported "${run.run}" to ${vscode.workspace.asRelativePath(target)} (${framework}, weights embedded; run it with --predict rows.json).`;
  }
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.joinPath(folder, `${stem(model)}.weights.bin`),
    filters: { 'Dropout Lens weights': ['bin'] },
    title: `Save the weights of run "${run.run}"`,
  });
  if (!target) return undefined;
  const tensors = run.network.tensors.map((t) => ({ name: t.name, shape: t.shape, data: t.values }));
  await vscode.workspace.fs.writeFile(
    target,
    encodeWeights({ tensors, standardization: run.standardization }),
  );
  if (!model.fsPath.endsWith('.nn.json'))
    return `Saved the weights of "${run.run}" to ${basename(target.fsPath)}.`;
  // Point the model at its sidecar; the edit stays unsaved in the editor, for the user to keep or undo.
  const document = await vscode.workspace.openTextDocument(model);
  const text = document.getText();
  const path = relative(dirname(model.fsPath), target.fsPath).split('\\').join('/');
  const edits = modify(text, ['weights'], path, { formattingOptions: { insertSpaces: true, tabSize: 2 } });
  const updated = applyEdits(text, edits);
  if (updated !== text) {
    const edit = new vscode.WorkspaceEdit();
    edit.replace(model, new vscode.Range(document.positionAt(0), document.positionAt(text.length)), updated);
    await vscode.workspace.applyEdit(edit);
  }
  return `Saved the weights of "${run.run}" to ${path} and set "weights" in ${basename(model.fsPath)} (unsaved).`;
}
