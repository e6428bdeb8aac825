// Every Dropout Lens page (model view, Train, MC Uncertainty) is built with a strict policy: nothing by
// default, scripts only with the page's nonce, no remote source, and resources only from the extension's
// dist/ and media/. Checked on the pages' real HTML, built for a real webview of this VS Code.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { mcPage } from '../../src/extension/mc/panel';
import { modelViewPage } from '../../src/extension/model-view/model-view';
import { trainPage } from '../../src/extension/train/panel';
import { webviewHtml, webviewOptions } from '../../src/extension/webview/scaffold';

const extension = () => {
  const e = vscode.extensions.getExtension('dropout-lens.dropout-lens');
  if (!e) throw new Error('the extension is not installed');
  return e;
};

function policyOf(html: string): Map<string, string[]> {
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(meta, 'the page has a CSP meta tag');
  const policy = new Map<string, string[]>();
  for (const directive of meta[1]!.split(';')) {
    const [name, ...sources] = directive.trim().split(/\s+/);
    if (name) policy.set(name, sources);
  }
  return policy;
}

describe('webview security', () => {
  let panel: vscode.WebviewPanel;
  before(() => {
    panel = vscode.window.createWebviewPanel(
      'dropoutLens.cspCheck',
      'CSP check',
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: true },
      webviewOptions(extension().extensionUri),
    );
  });
  after(() => panel.dispose());

  it('limits localResourceRoots to the extension’s dist/ and media/', () => {
    const root = extension().extensionUri;
    const roots = webviewOptions(root).localResourceRoots?.map((u) => u.toString());
    assert.deepEqual(roots, [
      vscode.Uri.joinPath(root, 'dist').toString(),
      vscode.Uri.joinPath(root, 'media').toString(),
    ]);
  });

  const pages: [string, (webview: vscode.Webview, root: vscode.Uri) => string][] = [
    ['model view', (w, root) => webviewHtml(w, root, modelViewPage('model.onnx'))],
    ['Train', (w, root) => webviewHtml(w, root, trainPage('Train: digits-mlp.nn.json'))],
    ['MC Uncertainty', (w, root) => webviewHtml(w, root, mcPage('MC Uncertainty: digits-mlp.nn.json'))],
  ];
  for (const [name, build] of pages) {
    it(`gives the ${name} page a nonce-only, local-only policy`, () => {
      const webview = panel.webview;
      const root = extension().extensionUri;
      const html = build(webview, root);
      const policy = policyOf(html);
      // cspSource is this VS Code's webview resource origin: no bare scheme (http:, https:) may appear.
      assert.ok(!/(^|\s)https?:(\s|$)/.test(webview.cspSource), `cspSource ${webview.cspSource}`);
      assert.deepEqual(policy.get('default-src'), ["'none'"]);
      const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]!);
      assert.ok(scripts.length > 0, 'the page loads its bundle');
      const nonce = /^'nonce-([A-Za-z0-9+/=]{22,})'$/.exec(policy.get('script-src')?.join(' ') ?? '')?.[1];
      assert.ok(nonce, `script-src is one nonce: ${policy.get('script-src')?.join(' ')}`);
      for (const attrs of scripts)
        assert.ok(attrs.includes(`nonce="${nonce}"`), `script ${attrs} has the nonce`);
      assert.notEqual(
        nonce,
        /'nonce-([^']+)'/.exec(build(webview, root))?.[1],
        'each page gets a fresh nonce',
      );
      for (const [directive, sources] of policy) {
        for (const s of sources) {
          assert.ok(
            ["'none'", `'nonce-${nonce}'`, ...webview.cspSource.split(/\s+/), 'data:'].includes(s),
            `${directive} allows only the page's own sources, not ${s}`,
          );
        }
      }
      // Every resource the page names is a file of the extension in dist/ or media/.
      const local = ['dist', 'media'].map((d) =>
        webview.asWebviewUri(vscode.Uri.joinPath(root, d)).toString(),
      );
      const urls = [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
      assert.ok(urls.length >= 2, 'script and stylesheet');
      for (const url of urls) {
        const base = local.find((l) => url.startsWith(`${l}/`));
        assert.ok(base, `${url} is under the extension's dist/ or media/`);
        const file = vscode.Uri.joinPath(
          root,
          base === local[0] ? 'dist' : 'media',
          url.slice(base.length + 1),
        );
        assert.ok(existsSync(file.fsPath), `${file.fsPath} exists`);
      }
    });
  }
});
