// Diagnostics for model files: linted when opened, again after edits (debounced), cleared when closed.
import * as vscode from 'vscode';
import { lintSource } from '../core/lint/lint-source';
import type { Severity } from '../core/lint/rule';
import { toWireLintResult } from '../core/lint/wire-lint';
import type { WireLintResult, WireRange } from '../protocol/worker';
import type { LintConfigSource } from './lint-config';
import { isModelDocument } from './model-files';
import { workspaceModelSource } from './workspace-model-source';

export const DIAGNOSTIC_SOURCE = 'Dropout Lens';

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export class ModelDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('dropout-lens');
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly config: LintConfigSource,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Lints after the configured quiet period; `now` skips the wait (file opened). */
  schedule(document: vscode.TextDocument, now = false): void {
    if (!isModelDocument(document)) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    const delay = now
      ? 0
      : vscode.workspace.getConfiguration('dropoutLens').get<number>('lint.debounceMs', 300);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.lintDocument(document);
      }, delay),
    );
  }

  async lintDocument(document: vscode.TextDocument): Promise<void> {
    const version = document.version;
    const config = await this.config.get();
    if (document.isClosed || document.version !== version) return;
    const bytes = new TextEncoder().encode(document.getText());
    const started = Date.now();
    const result = toWireLintResult(lintSource({ path: document.uri.path, bytes }, config), bytes);
    this.log.debug(
      `linted ${document.uri.fsPath} in ${Date.now() - started} ms: ${result.findings.length} findings`,
    );
    this.set(document.uri, result);
  }

  /**
   * Lints a file that is not open as text and that the worker cannot read by path (a virtual
   * workspace's file), reading it through the editor's file system.
   */
  async lintUri(uri: vscode.Uri): Promise<WireLintResult> {
    let result: WireLintResult;
    try {
      const source = await workspaceModelSource(uri);
      result = toWireLintResult(lintSource(source, await this.config.get()), source.bytes);
    } catch (e) {
      result = { path: uri.path, findings: [], error: { message: `${uri.path}: ${(e as Error).message}` } };
    }
    this.set(uri, result);
    return result;
  }

  /** Shows a result computed elsewhere (the worker, for Lint Workspace). */
  set(uri: vscode.Uri, result: WireLintResult): void {
    // A model.json that no reader recognises is just some JSON file: say nothing about it.
    if (result.error && !result.format && !uri.path.endsWith('.nn.json') && !uri.path.endsWith('.onnx')) {
      this.collection.delete(uri);
      return;
    }
    this.collection.set(uri, toDiagnostics(result, uri, this.extensionUri));
  }

  clear(document: vscode.TextDocument): void {
    clearTimeout(this.timers.get(document.uri.toString()));
    this.timers.delete(document.uri.toString());
    this.collection.delete(document.uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.collection.dispose();
  }
}

function toRange(r: WireRange | undefined): vscode.Range {
  if (!r) return new vscode.Range(0, 0, 0, 0);
  return new vscode.Range(r.start.line - 1, r.start.column - 1, r.end.line - 1, r.end.column - 1);
}

export function ruleDocsUri(extensionUri: vscode.Uri, rule: string): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'docs', 'rules', `${rule}.md`);
}

function toDiagnostics(
  result: WireLintResult,
  uri: vscode.Uri,
  extensionUri: vscode.Uri,
): vscode.Diagnostic[] {
  if (result.error) {
    const d = new vscode.Diagnostic(
      toRange(result.error.range),
      result.error.message,
      vscode.DiagnosticSeverity.Error,
    );
    d.source = DIAGNOSTIC_SOURCE;
    return [d];
  }
  return result.findings.map((f) => {
    // Without a range (ONNX) the diagnostic sits at line 0, so the message names the node.
    const message = f.range ? f.message : `${f.layer}: ${f.message}`;
    const d = new vscode.Diagnostic(toRange(f.range), message, SEVERITY[f.severity]);
    d.source = DIAGNOSTIC_SOURCE;
    d.code = { value: f.rule, target: ruleDocsUri(extensionUri, f.rule) };
    if (f.unnecessary) d.tags = [vscode.DiagnosticTag.Unnecessary];
    if (f.related.length > 0) {
      d.relatedInformation = f.related.map(
        (r) =>
          new vscode.DiagnosticRelatedInformation(
            new vscode.Location(uri, toRange(r.range)),
            `${r.layer}: ${r.message}`,
          ),
      );
    }
    return d;
  });
}
