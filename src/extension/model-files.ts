// Which documents are model files, decided from the name alone: the activation path uses this before
// any reader is loaded.
import * as vscode from 'vscode';
import { isModelFileName } from '../core/formats/model-file-name';

/** Text model files (binary ones have no text to edit; they are fixed by Fix and Save As…). */
export const TEXT_MODEL_SELECTOR: vscode.DocumentSelector = [
  { pattern: '**/*.nn.json' },
  { pattern: '**/model.json' },
  { pattern: '**/*.model.json' },
];

/** The last segment of a URI's path: its file name, whatever the scheme. */
export function uriFileName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

export function isModelDocument(document: vscode.TextDocument): boolean {
  return isModelFileName(uriFileName(document.uri));
}
