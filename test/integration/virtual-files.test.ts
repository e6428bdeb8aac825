// Files that are not on the local disk (a virtual workspace's, here an in-memory file system registered
// by the test) are read through vscode.workspace.fs: a .nn.json gets its diagnostics while edited, an
// .onnx opened in the model view gets its findings.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ruleOf, waitForDiagnostics } from './helpers';

const SCHEME = 'dropoutlens-memfs';

/** The smallest FileSystemProvider that holds whole files in a map (no folders beyond the root). */
class MemoryFs implements vscode.FileSystemProvider {
  private readonly files = new Map<string, Uint8Array>();
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }
  stat(uri: vscode.Uri): vscode.FileStat {
    const data = this.files.get(uri.path);
    if (uri.path === '/' || uri.path === '/models')
      return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0 };
    if (!data) throw vscode.FileSystemError.FileNotFound(uri);
    return { type: vscode.FileType.File, ctime: 0, mtime: 0, size: data.byteLength };
  }
  readDirectory(): [string, vscode.FileType][] {
    return [...this.files.keys()].map((p) => [p.slice(p.lastIndexOf('/') + 1), vscode.FileType.File]);
  }
  createDirectory(): void {}
  readFile(uri: vscode.Uri): Uint8Array {
    const data = this.files.get(uri.path);
    if (!data) throw vscode.FileSystemError.FileNotFound(uri);
    return data;
  }
  writeFile(uri: vscode.Uri, content: Uint8Array): void {
    this.files.set(uri.path, content);
    this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }
  delete(uri: vscode.Uri): void {
    this.files.delete(uri.path);
  }
  rename(): void {
    throw vscode.FileSystemError.NoPermissions('rename');
  }
}

describe('files of virtual workspaces', () => {
  const fs = new MemoryFs();
  let registration: vscode.Disposable;
  const extension = () => {
    const e = vscode.extensions.getExtension('dropout-lens.dropout-lens');
    assert.ok(e);
    return e;
  };
  const copy = async (from: string, to: string) => {
    const uri = vscode.Uri.from({ scheme: SCHEME, path: to });
    fs.writeFile(
      uri,
      await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extension().extensionUri, from)),
    );
    return uri;
  };

  before(() => {
    registration = vscode.workspace.registerFileSystemProvider(SCHEME, fs);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    registration.dispose();
  });

  it('lints a .nn.json read through the editor’s file system', async () => {
    const uri = await copy('samples/keep-prob-mistake.nn.json', '/models/keep-prob-mistake.nn.json');
    await vscode.window.showTextDocument(uri);
    const found = await waitForDiagnostics(uri, (d) => d.some((x) => ruleOf(x) === 'keep-prob-confusion'));
    const rate = found.find((d) => ruleOf(d) === 'keep-prob-confusion')!;
    // Line 8 of the sample (0-based 7) holds `{ "type": "dropout", "rate": 0.9 }`.
    assert.equal(rate.range.start.line, 7);
  });

  it('reports the findings of an .onnx opened in the model view', async () => {
    const uri = await copy('test/fixtures/onnx-torch/mlp_train_opset13.onnx', '/models/train-mode.onnx');
    await vscode.commands.executeCommand('vscode.openWith', uri, 'dropoutLens.onnxModel');
    const found = await waitForDiagnostics(uri, (d) => d.length > 0);
    assert.deepEqual(
      found.map((d) => ruleOf(d)),
      ['dropout-active-at-inference'],
    );
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitForDiagnostics(uri, (d) => d.length === 0);
  });
});
