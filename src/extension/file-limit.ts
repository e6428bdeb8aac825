// The dropoutLens.maxFileSizeMB setting as the core's SizeLimit, and the same check for files the
// extension reads itself through vscode.workspace.fs (by stat, before reading).
import * as vscode from 'vscode';
import { checkFileSize, sizeLimitFromMegabytes, type SizeLimit } from '../core/io/size-limit';

export function fileSizeLimit(): SizeLimit {
  return sizeLimitFromMegabytes(vscode.workspace.getConfiguration('dropoutLens').get('maxFileSizeMB'));
}

/** Reads a file after checking its size against the setting (FileTooLargeError names file, size, setting). */
export async function readWithinLimit(uri: vscode.Uri): Promise<Uint8Array> {
  const name = uri.scheme === 'file' ? uri.fsPath : uri.toString();
  checkFileSize(name, (await vscode.workspace.fs.stat(uri)).size, fileSizeLimit());
  return vscode.workspace.fs.readFile(uri);
}
