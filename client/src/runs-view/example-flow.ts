import * as vscode from "vscode";
import { EXAMPLE_FILE, exampleFlowText } from "./flow-source";

/**
 * "Create an example flow", the welcome view's button: writes hello.ts into the first workspace
 * folder unless it exists, and opens it either way.
 */
export async function createExampleFlow(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showInformationMessage("TSFlow: open a folder first; the example flow is written into it.");
    return;
  }
  const uri = vscode.Uri.joinPath(folder.uri, EXAMPLE_FILE);
  const exists = await vscode.workspace.fs.stat(uri).then(
    () => true,
    () => false,
  );
  if (!exists) await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(exampleFlowText()));
  await vscode.window.showTextDocument(uri);
}
