import { randomBytes } from "node:crypto";
import * as vscode from "vscode";

/** A webview's options: scripts on, and nothing loadable but the bundle folder. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, "dist")] };
}

/** What differs between the extension's webview pages. */
export interface PageSpec {
  /** The bundle's name in dist/: `NAME.js` and `NAME.css`. */
  bundle: string;
  title: string;
  /** Where images may come from beyond the bundle folder, e.g. `data:`. */
  imageSources?: string;
  /** The static skeleton the script fills in. */
  body: string;
}

/**
 * A page of the extension: its skeleton, its stylesheet and its script, under a CSP that allows
 * only the bundle's files and the one script carrying this page's nonce. Nothing from the user's
 * code or data is written into it: that arrives by postMessage and is set as text.
 */
export function webviewPage(webview: vscode.Webview, extensionUri: vscode.Uri, page: PageSpec): string {
  const nonce = randomBytes(18).toString("base64");
  const dist = vscode.Uri.joinPath(extensionUri, "dist");
  const script = webview.asWebviewUri(vscode.Uri.joinPath(dist, `${page.bundle}.js`)).toString();
  const style = webview.asWebviewUri(vscode.Uri.joinPath(dist, `${page.bundle}.css`)).toString();
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}${page.imageSources ? ` ${page.imageSources}` : ""}`,
    `script-src 'nonce-${nonce}'`,
  ].join("; ");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>${page.title}</title>
</head>
<body>
${page.body}
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
