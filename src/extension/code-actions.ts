// Quick fixes for `.nn.json` and TensorFlow.js `model.json` documents: the fixes of the findings under the
// cursor as WorkspaceEdits (only safe ones preferred), plus "Show documentation" for each rule. The
// findings are those the document's last lint kept (ModelDiagnostics): a lightbulb never lints again.
import * as vscode from 'vscode';
import {
  DIAGNOSTIC_SOURCE,
  rangeAt,
  SHOW_RULE_DOCS,
  type DocumentLint,
  type ModelDiagnostics,
} from './diagnostics';

export class ModelCodeActions implements vscode.CodeActionProvider {
  constructor(private readonly diagnostics: ModelDiagnostics) {}

  provideCodeActions(
    document: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const diagnostics = context.diagnostics.filter(
      (d) => d.source === DIAGNOSTIC_SOURCE && d.code !== undefined,
    );
    if (diagnostics.length === 0) return [];
    // Undefined while the text has changed since the last lint: its offsets no longer fit, and the
    // coming lint's diagnostics bring the lightbulb back.
    const lint = this.diagnostics.lintOf(document);
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of diagnostics) {
      const code = diagnostic.code;
      const rule = String(typeof code === 'object' ? code.value : code);
      if (lint) actions.push(...fixActions(document, lint, diagnostic, rule));
      const docs = new vscode.CodeAction(`Show documentation for ${rule}`, vscode.CodeActionKind.QuickFix);
      docs.command = { command: SHOW_RULE_DOCS, title: docs.title, arguments: [rule] };
      docs.diagnostics = [diagnostic];
      actions.push(docs);
    }
    return actions;
  }
}

/** The fixes of the finding a diagnostic was made from (same rule, range and message). */
function fixActions(
  document: vscode.TextDocument,
  { entries, lines }: DocumentLint,
  diagnostic: vscode.Diagnostic,
  rule: string,
): vscode.CodeAction[] {
  const entry = entries.find(
    ({ finding, diagnostic: shown }) =>
      finding.rule === rule && shown.range.isEqual(diagnostic.range) && shown.message === diagnostic.message,
  );
  if (!entry || !lines) return [];
  return entry.finding.fixes
    .filter((fix) => fix.edits.length > 0)
    .map((fix) => {
      const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      for (const e of fix.edits)
        action.edit.replace(document.uri, rangeAt(lines, e.offset, e.length), e.newText);
      action.diagnostics = [diagnostic];
      action.isPreferred = fix.safe;
      return action;
    });
}
