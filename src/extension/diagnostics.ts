// Diagnostics for model files: linted when opened, again after edits (debounced), cleared when closed.
// Each open document's lint is kept with the version it read, so quick fixes reuse it instead of
// linting again, and both place offsets through the same LineMap.
import * as vscode from 'vscode';
import { LineMap } from '../core/formats/text-position';
import { lintSource } from '../core/lint/lint-source';
import type { Severity } from '../core/lint/rule';
import { isOtherFile, toWireLintResult } from '../core/lint/wire-lint';
import type { WireFinding, WireLintResult, WireRange } from '../protocol/worker';
import type { LintConfigSource } from './lint-config';
import { isModelDocument } from './model-files';
import { markStepDone } from './walkthrough';
import { workspaceModelSource } from './workspace-model-source';

export const DIAGNOSTIC_SOURCE = 'Dropout Lens';

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

/** One lint of one version of an open document: what code actions need to offer its fixes. */
export interface DocumentLint {
  version: number;
  /** Counts lints in this session: a lint with the same run is the same lint. */
  run: number;
  /** The document text's line map: diagnostics were placed with it, and fix edits are too. */
  lines: LineMap | undefined;
  /** Each diagnostic shown, with the finding it came from. */
  entries: { diagnostic: vscode.Diagnostic; finding: WireFinding }[];
}

/**
 * A finding without a text range (binary model files) sits on its file's URI with this fragment naming its layer. The
 * Problems panel lists such URIs under the file and opens the URI itself when a finding is clicked: the
 * only way the model view (a custom editor, which gets no selection) learns which layer to show.
 */
const LAYER_FRAGMENT = 'layer=';

export function layerUri(uri: vscode.Uri, layerId: string): vscode.Uri {
  return uri.with({ fragment: LAYER_FRAGMENT + layerId });
}

/** The layer a finding's URI names, if it names one. */
export function layerOf(uri: vscode.Uri): string | undefined {
  return uri.fragment.startsWith(LAYER_FRAGMENT) ? uri.fragment.slice(LAYER_FRAGMENT.length) : undefined;
}

export class ModelDiagnostics implements vscode.Disposable, vscode.FileDecorationProvider {
  private readonly collection = vscode.languages.createDiagnosticCollection('dropout-lens');
  private readonly decorationsChanged = new vscode.EventEmitter<vscode.Uri>();
  /** VS Code colours files by the diagnostics on their own URI; those on layer URIs are coloured here. */
  readonly onDidChangeFileDecorations = this.decorationsChanged.event;
  /** Per file, the layer URIs its findings were last shown on (see LAYER_FRAGMENT). */
  private readonly layerUris = new Map<string, vscode.Uri[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly linted = new Map<string, DocumentLint>();
  private runs = 0;

  constructor(
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
    const started = Date.now();
    // The document's text is the source's text: readers and rules use it as is, nothing is decoded.
    const text = document.getText();
    const lint = lintSource({ path: document.uri.path, bytes: new TextEncoder().encode(text), text }, config);
    const lines = lint.text === undefined ? undefined : new LineMap(lint.text);
    const result = toWireLintResult(lint, lines);
    const run = ++this.runs;
    this.log.debug(
      `lint ${run}: ${document.uri.fsPath} v${version} in ${Date.now() - started} ms, ${result.findings.length} findings`,
    );
    const diagnostics = this.show(document.uri, result);
    this.linted.set(document.uri.toString(), {
      version,
      run,
      lines,
      entries: result.error
        ? []
        : result.findings.map((finding, i) => ({ finding, diagnostic: diagnostics[i] as vscode.Diagnostic })),
    });
  }

  /** The lint of the document's current version, or undefined while a newer one is pending. */
  lintOf(document: vscode.TextDocument): DocumentLint | undefined {
    const lint = this.linted.get(document.uri.toString());
    return lint?.version === document.version ? lint : undefined;
  }

  /**
   * Lints a file that is not open as text and that the worker cannot read by path (a virtual
   * workspace's file), reading it through the editor's file system.
   */
  async lintUri(uri: vscode.Uri): Promise<WireLintResult> {
    let result: WireLintResult;
    try {
      const source = await workspaceModelSource(uri);
      result = toWireLintResult(lintSource(source, await this.config.get()));
    } catch (e) {
      result = { path: uri.path, findings: [], error: { message: `${uri.path}: ${(e as Error).message}` } };
    }
    this.set(uri, result);
    return result;
  }

  /**
   * Shows a result computed elsewhere (the worker, for Lint Workspace and the view of a binary model file). A document
   * open in the editor keeps its own lint, which read its current text, saved or not.
   */
  set(uri: vscode.Uri, result: WireLintResult): void {
    if (!this.linted.has(uri.toString())) this.show(uri, result);
  }

  clear(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.linted.delete(key);
    this.delete(document.uri);
  }

  /** Removes a file's diagnostics, those on its layers included. */
  delete(uri: vscode.Uri): void {
    const key = uri.toString();
    for (const at of this.layerUris.get(key) ?? []) this.collection.delete(at);
    this.layerUris.delete(key);
    this.collection.delete(uri);
    this.decorationsChanged.fire(uri);
  }

  /** The Explorer's colour and count for a file whose findings sit on its layers, as for any problem. */
  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    const found = (this.layerUris.get(uri.toString()) ?? []).flatMap((at) => this.collection.get(at) ?? []);
    const worst = Math.min(...found.map((d) => d.severity));
    if (worst > vscode.DiagnosticSeverity.Warning) return undefined;
    const error = worst === vscode.DiagnosticSeverity.Error;
    return {
      badge: found.length > 9 ? '9+' : String(found.length),
      tooltip: `${found.length} dropout finding${found.length === 1 ? '' : 's'}`,
      color: new vscode.ThemeColor(error ? 'list.errorForeground' : 'list.warningForeground'),
      propagate: true,
    };
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.collection.dispose();
    this.decorationsChanged.dispose();
  }

  /** Returns the diagnostics shown, one per finding in order (or one for an unreadable file). */
  private show(uri: vscode.Uri, result: WireLintResult): vscode.Diagnostic[] {
    // Some other JSON or HDF5 file: nothing to say. (One a reader took as its own, a Keras .h5 cut short,
    // is a broken model: its error is shown.)
    if (isOtherFile(result)) {
      this.delete(uri);
      return [];
    }
    const diagnostics = toDiagnostics(result, uri);
    const byUri = new Map<string, [vscode.Uri, vscode.Diagnostic[]]>([[uri.toString(), [uri, []]]]);
    diagnostics.forEach((d, i) => {
      const finding = result.error ? undefined : result.findings[i];
      const at = finding && !finding.range ? layerUri(uri, finding.layerId) : uri;
      const entry = byUri.get(at.toString()) ?? [at, []];
      byUri.set(at.toString(), entry);
      entry[1].push(d);
    });
    const entries = [...byUri.values()];
    // In one change: the layers' earlier diagnostics cleared (undefined), the new ones set.
    const earlier = (this.layerUris.get(uri.toString()) ?? []).map((at): [vscode.Uri, undefined] => [
      at,
      undefined,
    ]);
    this.collection.set([...earlier, ...entries]);
    if (!result.error) markStepDone('modelLinted');
    this.layerUris.set(
      uri.toString(),
      entries.slice(1).map(([at]) => at),
    );
    this.decorationsChanged.fire(uri);
    return diagnostics;
  }
}

function toRange(r: WireRange | undefined): vscode.Range {
  if (!r) return new vscode.Range(0, 0, 0, 0);
  return new vscode.Range(r.start.line - 1, r.start.column - 1, r.end.line - 1, r.end.column - 1);
}

/** An offset range of the text a LineMap was made from, as an editor range: how fix edits are placed. */
export function rangeAt(lines: LineMap, offset: number, length: number): vscode.Range {
  const start = lines.at(offset);
  const end = lines.at(offset + length);
  return toRange({ offset, length, start, end });
}

function ruleDocsUri(extensionUri: vscode.Uri, rule: string): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'docs', 'rules', `${rule}.md`);
}

export const SHOW_RULE_DOCS = 'dropoutLens.showRuleDocs';

/** Opens a rule's page rendered, in a Markdown preview: a diagnostic's rule link and its code action. */
export function showRuleDocsCommand(extensionUri: vscode.Uri) {
  return (rule?: unknown) =>
    typeof rule === 'string' && /^[a-z0-9-]+$/.test(rule)
      ? vscode.commands.executeCommand('markdown.showPreview', ruleDocsUri(extensionUri, rule))
      : undefined;
}

/**
 * The rule link of a diagnostic: the command above, by the rule's id. (The Problems panel opens a file
 * link as an editor of the raw Markdown; a command URI holding the file's URI would not be translated
 * for a remote window, so the command builds the URI where the extension runs.)
 */
export function ruleLink(rule: string): vscode.Uri {
  return vscode.Uri.parse(`command:${SHOW_RULE_DOCS}?${encodeURIComponent(JSON.stringify([rule]))}`);
}

function toDiagnostics(result: WireLintResult, uri: vscode.Uri): vscode.Diagnostic[] {
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
    // Without a range (binary files) the diagnostic sits at line 0 of its layer's URI; the message names the node.
    const message = f.range ? f.message : `${f.layer}: ${f.message}`;
    const d = new vscode.Diagnostic(toRange(f.range), message, SEVERITY[f.severity]);
    d.source = DIAGNOSTIC_SOURCE;
    d.code = { value: f.rule, target: ruleLink(f.rule) };
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
