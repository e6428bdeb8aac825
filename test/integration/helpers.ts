import * as vscode from 'vscode';
import type { Jobs, WireMcView } from '../../src/protocol/worker';

/** The file a diagnostic's URI belongs to: findings without a text range sit on `file#layer=…`. */
const fileOf = (uri: vscode.Uri) => uri.with({ fragment: '' }).toString();

/**
 * Resolves with the file's Dropout Lens diagnostics (its layers' included) once `accept` holds for them
 * (or rejects after `ms`).
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (d: vscode.Diagnostic[]) => boolean,
  ms = 15_000,
): Promise<vscode.Diagnostic[]> {
  const current = () =>
    vscode.languages
      .getDiagnostics()
      .filter(([at]) => fileOf(at) === uri.toString())
      .flatMap(([, all]) => all.filter((d) => d.source === 'Dropout Lens'));
  return new Promise((resolve, reject) => {
    if (accept(current())) return resolve(current());
    const timer = setTimeout(() => {
      listener.dispose();
      reject(
        new Error(
          `diagnostics for ${uri.path} never matched; last: ${JSON.stringify(current().map((d) => d.message))}`,
        ),
      );
    }, ms);
    const listener = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => fileOf(u) === uri.toString())) return;
      const diagnostics = current();
      if (accept(diagnostics)) {
        clearTimeout(timer);
        listener.dispose();
        resolve(diagnostics);
      }
    });
  });
}

export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the integration tests need a workspace folder');
  return vscode.Uri.joinPath(folder.uri, name);
}

/** Copies one of the extension's test fixtures into the workspace as `name`. */
export async function copyFixture(fixture: string, name: string): Promise<vscode.Uri> {
  const extension = vscode.extensions.getExtension('dropout-lens.dropout-lens');
  if (!extension) throw new Error('the extension under test is not installed');
  const uri = workspaceFile(name);
  await vscode.workspace.fs.writeFile(
    uri,
    await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extension.extensionUri, fixture)),
  );
  return uri;
}

export function ruleOf(d: vscode.Diagnostic): string | undefined {
  return typeof d.code === 'object'
    ? String(d.code.value)
    : d.code === undefined
      ? undefined
      : String(d.code);
}

export const allTabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs);

/** Resolves with the first tab that `accept` takes, polling the tab groups (or rejects after `ms`). */
export async function waitForTab(accept: (t: vscode.Tab) => boolean, ms = 15_000): Promise<vscode.Tab> {
  const deadline = Date.now() + ms;
  for (;;) {
    const tab = allTabs().find(accept);
    if (tab) return tab;
    if (Date.now() > deadline)
      throw new Error(
        `no such tab; tabs: ${allTabs()
          .map((t) => t.label)
          .join(', ')}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

export type McAnswer = { result?: WireMcView; error?: string; partials: number };

/** Runs the MC panel's worker job through the test command; seed 0 and fresh masks unless given. */
export const runMc = (
  request: Omit<Jobs['mc']['request'], 'seed' | 'masks'> & Partial<Jobs['mc']['request']>,
) =>
  vscode.commands.executeCommand<McAnswer>('dropoutLens.test.mc', {
    seed: 0,
    masks: 'fresh',
    ...request,
  });
