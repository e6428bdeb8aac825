// Quick fixes reuse the lint the diagnostics came from (no second lint, nothing decoded for a
// lightbulb), and the editor places findings where `dropout-lens lint` does: CRLF line endings and
// non-ASCII text before a finding included.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { ruleOf, waitForDiagnostics, workspaceFile } from './helpers';

interface KeptLint {
  version: number;
  run: number;
  findings: number;
}

const keptLint = (uri: vscode.Uri) =>
  vscode.commands.executeCommand<KeptLint | undefined>('dropoutLens.test.lint', uri);
/** The kept lint once no other lint is under way (opening a file and activation may each lint it). */
async function settledLint(uri: vscode.Uri): Promise<KeptLint> {
  let last = await keptLint(uri);
  for (;;) {
    await new Promise((r) => setTimeout(r, 400));
    const now = await keptLint(uri);
    if (now && last && now.run === last.run) return now;
    last = now;
  }
}

const keepProb = (all: vscode.Diagnostic[]) => all.find((d) => ruleOf(d) === 'keep-prob-confusion');

/**
 * Counts TextDecoder.decode calls in this process (the extension host, where the extension runs) that
 * give a model file's text. VS Code's own messages are decoded here too; they do not hold one.
 */
function countModelDecodes(): { count: () => number; restore: () => void } {
  const original = TextDecoder.prototype.decode;
  let calls = 0;
  TextDecoder.prototype.decode = function (this: TextDecoder, ...args: Parameters<TextDecoder['decode']>) {
    const text = original.apply(this, args);
    if (text.includes('"format": "dropout-lens/nn"')) calls++;
    return text;
  };
  return { count: () => calls, restore: () => (TextDecoder.prototype.decode = original) };
}

/** Windows line endings, and text whose UTF-16 length differs from its UTF-8 length before the finding. */
const CRLF_MODEL = [
  '{',
  '  "format": "dropout-lens/nn", "version": 1, "name": "modèle-ß-🙂",',
  '  "input": { "shape": [64] },',
  '  "layers": [',
  '    { "type": "dense", "units": 256, "activation": "relu", "name": "dichte-é🙂" },',
  '    { "name": "abfall-🙂-ü", "type": "dropout", "rate": 0.9 },',
  '    { "type": "dense", "units": 10, "activation": "softmax" }',
  '  ]',
  '}',
  '',
].join('\r\n');

describe('quick fixes and ranges', () => {
  it('offers the fix of the kept lint: a lightbulb neither lints nor decodes the document', async () => {
    const uri = workspaceFile('keep-prob-mistake.nn.json');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const diagnostic = keepProb(await waitForDiagnostics(uri, (all) => keepProb(all) !== undefined));
    assert.ok(diagnostic);
    const kept = await settledLint(uri);
    assert.equal(kept.version, document.version);
    const decodes = countModelDecodes();
    try {
      for (let i = 0; i < 5; i++) {
        const actions: vscode.CodeAction[] = await vscode.commands.executeCommand(
          'vscode.executeCodeActionProvider',
          uri,
          diagnostic.range,
        );
        const fix: vscode.CodeAction | undefined = actions.find((a) => a.title.startsWith('Set rate to 0.1'));
        assert.ok(fix?.edit, `the keep-prob fix is offered (got ${actions.map((a) => a.title).join(', ')})`);
        const [[, edits]] = fix.edit.entries() as [[vscode.Uri, vscode.TextEdit[]]];
        assert.deepEqual(
          edits.map((e) => [document.getText(e.range), e.newText]),
          [['0.9', '0.1']],
        );
      }
      assert.deepEqual(await keptLint(uri), kept, 'five lightbulbs, still the same lint');
      assert.equal(decodes.count(), 0, 'nothing was decoded for the lightbulbs');
    } finally {
      decodes.restore();
    }
  });

  it('lints an edited document once per change, from its text, without decoding it', async () => {
    const uri = workspaceFile('keep-prob-mistake.nn.json');
    const document = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(document);
    const diagnostic = keepProb(await waitForDiagnostics(uri, (all) => keepProb(all) !== undefined));
    assert.ok(diagnostic);
    const before = await settledLint(uri);
    const decodes = countModelDecodes();
    try {
      await editor.edit((e) => e.replace(diagnostic.range, '0.95'));
      await waitForDiagnostics(uri, (all) => /rate 0\.95/.test(keepProb(all)?.message ?? ''));
      const after = await keptLint(uri);
      assert.ok(after);
      assert.equal(after.version, document.version);
      assert.equal(after.run, before.run + 1, 'one edit, one lint');
      assert.equal(decodes.count(), 0, 'the lint read the document text, not bytes');
    } finally {
      decodes.restore();
      await vscode.commands.executeCommand('undo');
      await waitForDiagnostics(uri, (all) => /rate 0\.9\b/.test(keepProb(all)?.message ?? ''));
    }
  });

  it('places findings where dropout-lens lint does, with CRLF endings and non-ASCII text', async () => {
    const uri = workspaceFile('crlf-unicode.nn.json');
    await vscode.workspace.fs.writeFile(uri, Buffer.from(CRLF_MODEL, 'utf8'));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    assert.equal(document.eol, vscode.EndOfLine.CRLF);
    const shown = await waitForDiagnostics(uri, (all) => keepProb(all) !== undefined);

    const extension = vscode.extensions.getExtension('dropout-lens.dropout-lens');
    assert.ok(extension);
    const cli = spawnSync(
      process.execPath,
      [join(extension.extensionPath, 'dist', 'cli.js'), 'lint', uri.fsPath, '--format', 'json'],
      { encoding: 'utf8' },
    );
    const [report] = JSON.parse(cli.stdout) as {
      findings: {
        rule: string;
        range?: { start: { line: number; column: number }; end: { line: number; column: number } };
      }[];
    }[];
    assert.ok(report && report.findings.length > 0, cli.stderr);
    const ranged = report.findings.filter((f) => f.range);
    assert.equal(ranged.length, shown.length, 'one diagnostic per finding');
    for (const f of ranged) {
      const r = f.range as NonNullable<typeof f.range>;
      const expected = new vscode.Range(
        r.start.line - 1,
        r.start.column - 1,
        r.end.line - 1,
        r.end.column - 1,
      );
      assert.ok(
        shown.some((d) => ruleOf(d) === f.rule && d.range.isEqual(expected)),
        `${f.rule} at ${JSON.stringify(r)} is where the editor shows it`,
      );
    }
    // The keep-prob finding sits on the rate value of line 6, after an emoji (two UTF-16 code units).
    const rate = keepProb(shown);
    assert.ok(rate);
    assert.equal(document.getText(rate.range), '0.9');
    assert.equal(rate.range.start.line, 5);
    assert.equal(rate.range.start.character, document.lineAt(5).text.indexOf('0.9'));

    // Its quick fix edits the same characters.
    await settledLint(uri);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      rate.range,
    );
    const fix = actions.find((a) => a.title.startsWith('Set rate to 0.1'));
    assert.ok(fix?.edit);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(document.lineAt(5).text, '    { "name": "abfall-🙂-ü", "type": "dropout", "rate": 0.1 },');
    await waitForDiagnostics(uri, (all) => keepProb(all) === undefined);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.workspace.fs.delete(uri);
  });
});
