// The Train panel's HTML: the shared strict policy (webview/scaffold.ts), the bundled script and
// stylesheet from dist/webview/.
import * as vscode from 'vscode';
import { contentSecurityPolicy, escapeHtml, scriptNonce } from './webview/scaffold';

export function trainPanelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string): string {
  const nonce = scriptNonce();
  const asset = (file: string) =>
    webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', file));
  // Components style themselves through constructable stylesheets and the CSSOM, which the policy allows.
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(webview, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('train.css')}">
<title>${escapeHtml(title)}</title>
</head>
<body>
<main id="app" aria-live="polite"></main>
<script nonce="${nonce}" src="${asset('train.js')}"></script>
</body>
</html>`;
}
