// The MC Uncertainty panel's HTML: the shared strict policy (webview/scaffold.ts), the bundled script
// from dist/webview/ and the stylesheet from media/.
import * as vscode from 'vscode';
import { contentSecurityPolicy, scriptNonce } from './webview/scaffold';

export function mcPanelHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = scriptNonce();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'mc.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'mc.css'));
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(webview, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}"><title>MC Uncertainty</title></head>
<body><main id="app" aria-live="polite"></main><script nonce="${nonce}" src="${script}"></script></body></html>`;
}
