// One model view: a webview (custom editor for binary model files, panel for JSON models) showing one
// model file.
// The file is parsed and linted in the engine worker; the view asks for reveals and exports.
import * as vscode from 'vscode';
import {
  isFromModelView,
  type ExportKind,
  type FromModelView,
  type LayerRow,
  type ToModelView,
} from '../../protocol/model-view';
import type { WireLintResult } from '../../protocol/worker';
import type { ModelDiagnostics } from '../diagnostics';
import { readWithinLimit } from '../file-limit';
import { isBinaryModelFileName } from '../../core/formats/model-file-name';
import { uriFileName } from '../model-files';
import type { LintConfigSource } from '../lint-config';
import { requireTrust } from '../trust';
import { onValidMessage, webviewHtml, webviewOptions, type PageOptions } from '../webview/scaffold';
import type { WorkerHost } from '../worker-host';

export interface ModelViewDeps {
  extensionUri: vscode.Uri;
  worker: WorkerHost;
  config: LintConfigSource;
  log: vscode.LogOutputChannel;
  diagnostics: ModelDiagnostics;
}

const SAVE_FILTERS: Record<ExportKind, { suffix: string; filters: Record<string, string[]> }> = {
  csv: { suffix: '.layers.csv', filters: { CSV: ['csv'] } },
  markdown: { suffix: '.layers.md', filters: { Markdown: ['md'] } },
  svg: { suffix: '.graph.svg', filters: { SVG: ['svg'] } },
};

/** The model view's page: its bundle and stylesheet. */
export function modelViewPage(title: string): PageOptions {
  return { title, script: 'model', styles: ['model-view.css'] };
}

export class ModelView implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private rows = new Map<string, LayerRow>();
  private reloadTimer: NodeJS.Timeout | undefined;
  private loading = 0;
  private latest: ToModelView | undefined;
  /**
   * The layer last asked for by select() until a page says it has shown it: posted again to a page that
   * says it is ready (the message can be lost with a page VS Code drops), and not after (a page shown
   * again keeps the selection the user made since).
   */
  private selected: string | undefined;
  /** The layer whose text the view just selected in the editor: that selection is the view's own. */
  private revealed: string | undefined;

  /** `onLint`: the file's lint result with each load, for views whose file has no text editor. */
  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly uri: vscode.Uri,
    private readonly deps: ModelViewDeps,
    private readonly onLint?: (result: WireLintResult) => void,
  ) {
    const webview = panel.webview;
    webview.options = webviewOptions(deps.extensionUri);
    webview.html = webviewHtml(webview, deps.extensionUri, modelViewPage(uriFileName(uri)));
    const key = uri.toString();
    this.disposables.push(
      onValidMessage(
        webview,
        (v) => (isFromModelView(v) ? v : undefined),
        (m) => this.onMessage(m),
        deps.log,
      ),
      // JSON models follow the editor's text, unsaved edits included; binary ones follow the disk.
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() === key) this.scheduleReload();
      }),
      deps.config.onDidChange(() => this.scheduleReload()),
      // ...and its selection when something other than the user's keys or mouse moves it (a finding opened
      // from the Problems panel, Go to Symbol): the view selects the layer there.
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (
          e.textEditor.document.uri.toString() === key &&
          e.kind === vscode.TextEditorSelectionChangeKind.Command
        )
          this.follow(e.textEditor.document.offsetAt(e.selections[0]?.active ?? new vscode.Position(0, 0)));
      }),
    );
    if (uri.scheme === 'file') {
      const watcher = vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(vscode.Uri.joinPath(uri, '..'), uriFileName(uri)),
      );
      watcher.onDidChange(() => this.scheduleReload());
      this.disposables.push(watcher);
    }
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    // The worker reads the model while the page loads, not after it asks.
    void this.load();
  }

  dispose(): void {
    clearTimeout(this.reloadTimer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private post(message: ToModelView): void {
    void this.panel.webview.postMessage(message);
  }

  /**
   * The model (or why it cannot be shown), posted at once: VS Code holds messages for a page that is
   * still loading and hands them over once its script listens, so a big model usually crosses while
   * VS Code is still creating the page. It is posted again when a page says it is ready (VS Code can
   * drop a message held for a page it recreates, and a page shown again is new); a page shows each
   * version once.
   */
  private show(message: ToModelView): void {
    this.latest = message;
    this.post(message);
  }

  private async onMessage(message: FromModelView): Promise<void> {
    switch (message.type) {
      case 'ready':
        if (this.latest) this.post(this.latest);
        if (this.selected !== undefined) this.post({ type: 'select', layerId: this.selected });
        return;
      case 'selected':
        if (this.selected === message.layerId) this.selected = undefined;
        return;
      case 'reveal':
        return this.reveal(message.layerId, message.keepFocus ?? false);
      case 'weights':
        return this.weights(message.layerId);
      case 'export':
        return this.save(message.kind, message.content);
    }
  }

  /** Selects a layer in the page, now or once it has the model (the page keeps it until then). */
  select(layerId: string): void {
    this.selected = layerId;
    this.post({ type: 'select', layerId });
  }

  private scheduleReload(): void {
    clearTimeout(this.reloadTimer);
    const delay = vscode.workspace.getConfiguration('dropoutLens').get<number>('lint.debounceMs', 300);
    this.reloadTimer = setTimeout(() => void this.load(), delay);
  }

  private async load(): Promise<void> {
    const ticket = ++this.loading;
    const fileName = uriFileName(this.uri);
    const uri = this.uri.toString();
    try {
      // A binary file opened as text as well is still read as bytes, never as the editor's decoded text.
      const open = isBinaryModelFileName(fileName)
        ? undefined
        : vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
      // The worker reads files on disk itself: a 100 MB ONNX file is not copied through the host.
      const bytes = open
        ? new TextEncoder().encode(open.getText())
        : this.uri.scheme === 'file'
          ? undefined
          : await readWithinLimit(this.uri);
      const started = Date.now();
      const result = await this.deps.worker.run(
        'model',
        { path: this.path, ...(bytes ? { bytes } : {}), config: await this.deps.config.get() },
        () => undefined,
      );
      if (ticket !== this.loading) return;
      this.onLint?.(result.lint);
      if ('error' in result) {
        this.show({ type: 'error', uri, fileName, message: result.error });
        return;
      }
      this.deps.log.debug(`model view: ${fileName} read in ${Date.now() - started} ms`);
      this.rows = new Map(result.model.rows.map((r) => [r.id, r]));
      this.show({ type: 'model', uri, version: ticket, model: result.model });
    } catch (e) {
      if (ticket === this.loading) this.show({ type: 'error', uri, fileName, message: (e as Error).message });
    }
  }

  private get path(): string {
    return this.uri.scheme === 'file' ? this.uri.fsPath : this.uri.path;
  }

  /** Weight statistics of one layer for the details panel, computed in the worker from the file. */
  private async weights(layerId: string): Promise<void> {
    try {
      const result = await this.deps.worker.run('weights', { path: this.path, layerId }, () => undefined);
      this.post({ type: 'weights', layerId, ...result });
    } catch (e) {
      this.post({ type: 'weights', layerId, error: (e as Error).message });
    }
  }

  /** Selects the innermost layer whose text holds `offset`, unless the view itself put the cursor there. */
  private follow(offset: number): void {
    let inner: LayerRow | undefined;
    for (const row of this.rows.values()) {
      const r = row.range;
      if (
        r &&
        r.offset <= offset &&
        offset <= r.offset + r.length &&
        (!inner?.range || r.length < inner.range.length)
      )
        inner = row;
    }
    const revealed = this.revealed;
    this.revealed = undefined;
    if (inner && inner.id !== revealed) this.select(inner.id);
  }

  /** Opens the model's text beside the view (or where it is already shown) with the layer selected. */
  private async reveal(layerId: string, keepFocus: boolean): Promise<void> {
    const range = this.rows.get(layerId)?.range;
    if (!range) return;
    this.revealed = layerId;
    const document = await vscode.workspace.openTextDocument(this.uri);
    const shown = vscode.window.visibleTextEditors.find((e) => e.document === document);
    const selection = new vscode.Selection(
      document.positionAt(range.offset),
      document.positionAt(range.offset + range.length),
    );
    const editor = await vscode.window.showTextDocument(document, {
      viewColumn: shown?.viewColumn ?? vscode.ViewColumn.Beside,
      selection,
      preserveFocus: keepFocus,
    });
    editor.revealRange(selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  /** Writes an export only where the user says, through the save dialog. */
  private async save(kind: ExportKind, content: string): Promise<void> {
    if (!requireTrust(vscode, 'Export')) return;
    const { suffix, filters } = SAVE_FILTERS[kind];
    const stem = uriFileName(this.uri).replace(/(\.nn)?\.(json|onnx|keras|h5)$/, '');
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(this.uri, '..', stem + suffix),
      filters,
      title: `Export ${kind === 'svg' ? 'graph' : 'layer table'}`,
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(content));
    this.post({ type: 'saved', path: target.scheme === 'file' ? target.fsPath : target.path });
  }
}
