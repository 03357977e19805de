// Helpers of the extension-host tests: the workspace the harness opened, and waiting for the
// language server, which answers asynchronously.
import * as assert from "node:assert/strict";
import * as vscode from "vscode";

export const EXTENSION_ID = "tsflow.tsflow";

/** A file of the workspace (a copy of examples/, made by test/e2e/workspace.ts). */
export function workspaceFile(relativePath: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, "the tests need the e2e workspace open as a folder");
  return vscode.Uri.joinPath(folder.uri, ...relativePath.split("/"));
}

export async function openFile(relativePath: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(workspaceFile(relativePath));
  return vscode.window.showTextDocument(document);
}

/** Polls `probe` until it returns something other than undefined; fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 45_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A diagnostic's code as a string, whether the server sent it bare or with a link. */
export function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  return typeof code === "object" ? String(code.value) : code === undefined ? undefined : String(code);
}

export function tsflowDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === "tsflow");
}
