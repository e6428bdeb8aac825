// The model file a palette command acts on: the active custom editor's file (the ONNX model view has no
// text editor) or the active text editor's document.
import * as vscode from 'vscode';

export function activeModelUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom ? input.uri : vscode.window.activeTextEditor?.document.uri;
}
