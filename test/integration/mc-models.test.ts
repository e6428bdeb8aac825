// A workspace `.dropoutlens.json` "mcModels" glob marks models for MC inference in the editor's lint and
// in Lint Workspace (the worker): their dropout at inference is info, an unlisted copy's an error.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { copyFixture, ruleOf, waitForDiagnostics, workspaceFile } from './helpers';

const FIXTURE = 'test/fixtures/tfjs-graph-dropout/model.json';
const RULE = 'dropout-active-at-inference';

/** Resolves once the file has its two dropout subgraph findings, all of `severity`. */
const severities = (uri: vscode.Uri, severity: vscode.DiagnosticSeverity, ms?: number) =>
  waitForDiagnostics(
    uri,
    (d) => {
      const found = d.filter((x) => ruleOf(x) === RULE);
      return found.length === 2 && found.every((x) => x.severity === severity);
    },
    ms,
  );

describe('mcModels in .dropoutlens.json', () => {
  const config = workspaceFile('.dropoutlens.json');
  let marked: vscode.Uri;
  let plain: vscode.Uri;

  before(async () => {
    await vscode.workspace.fs.writeFile(
      config,
      Buffer.from(JSON.stringify({ mcModels: ['mc-models/**/bayes/model.json'] })),
    );
    marked = await copyFixture(FIXTURE, 'mc-models/a/bayes/model.json');
    plain = await copyFixture(FIXTURE, 'mc-models/a/plain/model.json');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(config);
    await vscode.workspace.fs.delete(workspaceFile('mc-models'), { recursive: true });
  });

  it('an open listed model reports its dropout at inference as info, an unlisted copy as errors', async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(marked));
    const [d] = (await severities(marked, vscode.DiagnosticSeverity.Information)).filter(
      (x) => ruleOf(x) === RULE,
    );
    assert.match(d?.message ?? '', /marked for MC dropout/);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(plain));
    const [e] = (await severities(plain, vscode.DiagnosticSeverity.Error)).filter((x) => ruleOf(x) === RULE);
    assert.match(e?.message ?? '', /"mcModels" in \.dropoutlens\.json/);
  });

  it('Lint Workspace (in the worker) follows the globs: listing the other copy swaps the severities', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.writeFile(
      config,
      Buffer.from(JSON.stringify({ mcModels: ['mc-models/**/plain/model.json'] })),
    );
    // The closed files are linted by the worker only; the changed config reaches it once its watcher fires.
    for (let attempt = 1; ; attempt++) {
      await vscode.commands.executeCommand('dropoutLens.lintWorkspace');
      try {
        await severities(plain, vscode.DiagnosticSeverity.Information, 5_000);
        break;
      } catch (e) {
        if (attempt === 3) throw e;
      }
    }
    await severities(marked, vscode.DiagnosticSeverity.Error);
  });
});
