// "Dropout Lens: Open Sample Model" (the walkthrough's first step): opens the shipped sample, a network
// whose dropout rate is really a keep probability, as an unsaved document named for the workspace
// folder, so its findings show at once and Save puts it in the workspace only when the user asks.
import * as vscode from 'vscode';

const SAMPLE = 'keep-prob-mistake.nn.json';

export function openSampleCommand(extensionUri: vscode.Uri) {
  return async (): Promise<vscode.TextEditor> => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    const target = folder ? vscode.Uri.joinPath(folder.uri, SAMPLE) : undefined;
    if (target && (await exists(target))) return vscode.window.showTextDocument(target);
    const text = new TextDecoder().decode(
      await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, 'samples', SAMPLE)),
    );
    const untitled = target
      ? target.with({ scheme: 'untitled' })
      : vscode.Uri.from({ scheme: 'untitled', path: SAMPLE });
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(untitled));
    await editor.edit((edit) => edit.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), text));
    return editor;
  };
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
