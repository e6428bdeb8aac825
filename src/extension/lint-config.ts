// The lint configuration the editor uses: a workspace `.dropoutlens.json` (shared with the CLI), then
// the `dropoutLens.rules` setting on top. Problems in either are logged, never guessed around.
import * as vscode from 'vscode';
import { mergeLintConfigs, parseLintConfig, type LintConfig } from '../core/lint/config';
import { RULE_IDS } from '../core/lint/engine';

export class LintConfigSource implements vscode.Disposable {
  private cached: Promise<LintConfig> | undefined;
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];

  constructor(private readonly log: vscode.LogOutputChannel) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/.dropoutlens.json');
    const changed = () => {
      this.cached = undefined;
      this.emitter.fire();
    };
    watcher.onDidChange(changed);
    watcher.onDidCreate(changed);
    watcher.onDidDelete(changed);
    this.disposables.push(
      watcher,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('dropoutLens.rules')) changed();
      }),
    );
  }

  get(): Promise<LintConfig> {
    this.cached ??= this.load();
    return this.cached;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private async load(): Promise<LintConfig> {
    const configs: LintConfig[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const uri = vscode.Uri.joinPath(folder.uri, '.dropoutlens.json');
      let text: string;
      try {
        text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch {
        continue;
      }
      try {
        const { config, problems } = parseLintConfig(JSON.parse(text), RULE_IDS, folder.uri.path);
        for (const p of problems) this.log.warn(`${uri.fsPath}: ${p}`);
        configs.push(config);
      } catch (e) {
        this.log.warn(`${uri.fsPath}: not valid JSON (${(e as Error).message}); ignored`);
      }
    }
    const setting = vscode.workspace.getConfiguration('dropoutLens').get<unknown>('rules');
    const { config, problems } = parseLintConfig({ rules: setting ?? {} }, RULE_IDS);
    for (const p of problems) this.log.warn(`setting dropoutLens.rules: ${p}`);
    return mergeLintConfigs(...configs, config);
  }
}
