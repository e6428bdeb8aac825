// Quick fixes for `.nn.json` and TensorFlow.js `model.json` documents: the fixes of the findings under the
// cursor as WorkspaceEdits (only safe ones preferred), plus "Show documentation" for each rule.
import * as vscode from 'vscode';
import { lintSource } from '../core/lint/lint-source';
import type { Finding } from '../core/lint/rule';
import { DIAGNOSTIC_SOURCE, ruleDocsUri } from './diagnostics';

export class ModelCodeActions implements vscode.CodeActionProvider {
  constructor(private readonly extensionUri: vscode.Uri) {}

  provideCodeActions(
    document: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const diagnostics = context.diagnostics.filter(
      (d) => d.source === DIAGNOSTIC_SOURCE && d.code !== undefined,
    );
    if (diagnostics.length === 0) return [];
    // Fixes are not kept with diagnostics: lint the current text again so edit offsets match it.
    const bytes = new TextEncoder().encode(document.getText());
    const { findings } = lintSource({ path: document.uri.path, bytes });
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of diagnostics) {
      const code = diagnostic.code;
      const rule = String(typeof code === 'object' ? code.value : code);
      const finding = findings.find(
        (f) => f.rule === rule && this.rangeOf(document, f)?.isEqual(diagnostic.range),
      );
      for (const fix of finding?.fixes ?? []) {
        if (fix.edits.length === 0) continue;
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.edit = new vscode.WorkspaceEdit();
        for (const e of fix.edits) {
          const range = new vscode.Range(
            document.positionAt(e.offset),
            document.positionAt(e.offset + e.length),
          );
          action.edit.replace(document.uri, range, e.newText);
        }
        action.diagnostics = [diagnostic];
        action.isPreferred = fix.safe;
        actions.push(action);
      }
      const docs = new vscode.CodeAction(`Show documentation for ${rule}`, vscode.CodeActionKind.QuickFix);
      docs.command = {
        command: 'markdown.showPreview',
        title: docs.title,
        arguments: [ruleDocsUri(this.extensionUri, rule)],
      };
      docs.diagnostics = [diagnostic];
      actions.push(docs);
    }
    return actions;
  }

  private rangeOf(document: vscode.TextDocument, finding: Finding): vscode.Range | undefined {
    const r = finding.range;
    return r && new vscode.Range(document.positionAt(r.offset), document.positionAt(r.offset + r.length));
  }
}
