// A ModelSource read through vscode.workspace.fs, for files the worker cannot open by path: those of
// virtual workspaces and other non-`file` schemes. Sibling reads stay inside the model's folder.
import * as vscode from 'vscode';
import type { ModelSource } from '../core/formats/reader';

export async function workspaceModelSource(uri: vscode.Uri): Promise<ModelSource> {
  const folder = vscode.Uri.joinPath(uri, '..');
  return {
    path: uri.path,
    bytes: await vscode.workspace.fs.readFile(uri),
    readSibling: (relativePath: string) => {
      // joinPath resolves `..`; a URI file system has no links to follow out of the folder.
      const target = vscode.Uri.joinPath(folder, relativePath);
      if (relativePath.startsWith('/') || !target.path.startsWith(`${folder.path}/`)) {
        return Promise.reject(new Error(`refusing "${relativePath}": it leaves the model's folder`));
      }
      return Promise.resolve(vscode.workspace.fs.readFile(target));
    },
  };
}
