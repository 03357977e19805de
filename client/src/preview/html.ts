import { randomBytes } from "node:crypto";
import * as vscode from "vscode";

/** The webview's options: scripts on, and nothing loadable but the bundle folder. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, "dist")] };
}

/**
 * The preview's page: a static skeleton, its stylesheet and its script, under a CSP that allows
 * only the bundle's files and the one script carrying this page's nonce. Nothing from the user's
 * code is written into it: the flow, its steps and messages arrive later by postMessage and are
 * set as text.
 */
export function previewHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(18).toString("base64");
  const dist = vscode.Uri.joinPath(extensionUri, "dist");
  const script = webview.asWebviewUri(vscode.Uri.joinPath(dist, "preview.js")).toString();
  const style = webview.asWebviewUri(vscode.Uri.joinPath(dist, "preview.css")).toString();
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join("; ");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>DAG</title>
</head>
<body>
<header id="toolbar" class="toolbar" role="toolbar" aria-label="DAG preview">
  <span id="flow-name" class="flow-name"></span>
  <span id="run-summary" class="run-summary" role="status" aria-live="polite"></span>
  <button type="button" data-action="zoom-out" title="Zoom out (-)" aria-label="Zoom out">\u2212</button>
  <button type="button" data-action="zoom-in" title="Zoom in (+)" aria-label="Zoom in">+</button>
  <button type="button" data-action="fit" title="Fit the graph to the view (0)">Fit</button>
  <button type="button" data-action="export" title="Save the graph as an SVG file">Export SVG</button>
</header>
<main class="stage">
  <section id="banner" class="banner" role="status" aria-live="polite" hidden>
    <p id="banner-title" class="banner-title"></p>
    <ul id="problems" class="problems"></ul>
  </section>
  <svg id="dag" class="dag" role="group" aria-label="Flow graph" aria-roledescription="flow graph">
    <defs>
      <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
        <path class="arrowhead" d="M0,0 L10,5 L0,10 z"></path>
      </marker>
    </defs>
    <g id="viewport"><g id="edges" class="edges"></g><g id="nodes" class="nodes"></g></g>
  </svg>
  <p id="empty" class="empty" hidden></p>
</main>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
