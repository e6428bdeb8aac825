// What every Dropout Lens webview shares: options that confine it to dist/ and media/, the HTML page
// with a strict nonce-based CSP, and a typed, validated channel for the webview's messages.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { preview } from '../../protocol/guards';

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [
      vscode.Uri.joinPath(extensionUri, 'dist'),
      vscode.Uri.joinPath(extensionUri, 'media'),
    ],
  };
}

export interface PageOptions {
  title: string;
  /** The bundle `dist/webview/<script>.js` built from `webview/<script>/main.ts`. */
  script: string;
  /** Page stylesheets in `media/`, after the shared `media/webview.css`. */
  styles?: string[];
  /** Libraries' own stylesheets, copied beside the bundles into `dist/webview/` (uPlot's). */
  libraryStyles?: string[];
}

/** A fresh nonce for each page: scripts run only when they carry it. */
export function scriptNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The policy of every Dropout Lens page: nothing by default; scripts only with the page's nonce; styles,
 * fonts and images only from the extension's own files (`cspSource`, confined by `localResourceRoots`)
 * and inline data: images. No workers, no fetches: heavy work runs in the extension's engine worker.
 */
export function contentSecurityPolicy(webview: vscode.Webview, nonce: string): string {
  const source = webview.cspSource;
  return [
    "default-src 'none'",
    `img-src ${source} data:`,
    `style-src ${source}`,
    `font-src ${source}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: PageOptions): string {
  const nonce = scriptNonce();
  const asset = (...parts: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...parts));
  const csp = contentSecurityPolicy(webview, nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('dist', 'webview', 'codicon.css').toString()}" id="vscode-codicon-stylesheet">
${(page.libraryStyles ?? []).map((css) => `<link rel="stylesheet" href="${asset('dist', 'webview', css).toString()}">`).join('\n')}
${['webview.css', ...(page.styles ?? [])].map((css) => `<link rel="stylesheet" href="${asset('media', css).toString()}">`).join('\n')}
<title>${escapeHtml(page.title)}</title>
</head>
<body>
<main id="root" aria-busy="true"><p class="status">Loading…</p></main>
<script nonce="${nonce}" src="${asset('dist', 'webview', `${page.script}.js`).toString()}"></script>
</body>
</html>`;
}

/**
 * Calls `handler` with what `parse` makes of each message (the checked message, never the raw one);
 * a message it refuses (undefined) is logged and dropped.
 */
export function onValidMessage<T>(
  webview: vscode.Webview,
  parse: (v: unknown) => T | undefined,
  handler: (message: T) => void | Promise<void>,
  log: vscode.LogOutputChannel,
): vscode.Disposable {
  return webview.onDidReceiveMessage(async (raw: unknown) => {
    const message = parse(raw);
    if (message === undefined) {
      log.warn(`webview sent an unexpected message: ${preview(raw)}`);
      return;
    }
    try {
      await handler(message);
    } catch (e) {
      log.error(`webview message ${JSON.stringify((raw as { type?: unknown }).type)}: ${String(e)}`);
    }
  });
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
