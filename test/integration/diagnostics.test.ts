import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ruleOf, waitForDiagnostics, workspaceFile } from './helpers';

const hasKeepProb = (d: vscode.Diagnostic[]) => d.some((x) => ruleOf(x) === 'keep-prob-confusion');

describe('diagnostics in the extension host', () => {
  it('activates without parsing anything and contributes its commands', async () => {
    const extension = vscode.extensions.getExtension('dropout-lens.dropout-lens');
    assert.ok(extension, 'extension is installed');
    await extension.activate();
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('dropoutLens.lintWorkspace'));
  });

  it('reports keep-prob-confusion on the rate value, with the rule id and docs link as code', async () => {
    const uri = workspaceFile('keep-prob-mistake.nn.json');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const [d] = (await waitForDiagnostics(uri, hasKeepProb)).filter(
      (x) => ruleOf(x) === 'keep-prob-confusion',
    );
    assert.ok(d);
    assert.equal(document.getText(d.range), '0.9');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    // The link runs the command that opens the rule's page rendered (a Markdown preview), by rule id.
    assert.ok(typeof d.code === 'object');
    const { scheme, path, query } = d.code.target;
    assert.deepEqual([scheme, path], ['command', 'dropoutLens.showRuleDocs']);
    assert.deepEqual(JSON.parse(decodeURIComponent(query)), ['keep-prob-confusion']);
  });

  it('clears the diagnostic once the rate is fixed in the editor, and brings it back on undo', async () => {
    const uri = workspaceFile('keep-prob-mistake.nn.json');
    const document = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(document);
    const [d] = (await waitForDiagnostics(uri, hasKeepProb)).filter(
      (x) => ruleOf(x) === 'keep-prob-confusion',
    );
    assert.ok(d);
    await editor.edit((e) => e.replace(d.range, '0.1'));
    await waitForDiagnostics(uri, (all) => !hasKeepProb(all));
    await vscode.commands.executeCommand('undo');
    await waitForDiagnostics(uri, hasKeepProb);
  });

  it('follows the dropoutLens.rules setting', async () => {
    const uri = workspaceFile('keep-prob-mistake.nn.json');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await waitForDiagnostics(uri, hasKeepProb);
    const config = vscode.workspace.getConfiguration('dropoutLens');
    await config.update('rules', { 'keep-prob-confusion': 'error' }, vscode.ConfigurationTarget.Global);
    try {
      await waitForDiagnostics(uri, (all) =>
        all.some(
          (x) => ruleOf(x) === 'keep-prob-confusion' && x.severity === vscode.DiagnosticSeverity.Error,
        ),
      );
      await config.update('rules', { 'keep-prob-confusion': 'off' }, vscode.ConfigurationTarget.Global);
      await waitForDiagnostics(uri, (all) => !hasKeepProb(all));
    } finally {
      await config.update('rules', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitForDiagnostics(uri, hasKeepProb);
  });

  it('lints files that are not open through Lint Workspace (in the worker)', async () => {
    const uri = workspaceFile('never-opened.nn.json');
    const text = (await vscode.workspace.fs.readFile(workspaceFile('keep-prob-mistake.nn.json'))).toString();
    await vscode.workspace.fs.writeFile(uri, Buffer.from(text.replace('"rate": 0.9', '"rate": 0.95')));
    assert.equal(vscode.languages.getDiagnostics(uri).length, 0);
    await vscode.commands.executeCommand('dropoutLens.lintWorkspace');
    const [d] = await waitForDiagnostics(uri, hasKeepProb);
    assert.match(d?.message ?? '', /rate 0\.95/);
    assert.ok(d && d.range.start.line > 0, 'the worker placed the finding on the rate line');
  });
});
