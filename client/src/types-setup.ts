import * as vscode from "vscode";
import type { CommandSpec } from "./commands";
import { errorMessage } from "./error-message";
import { isFlowDocument } from "./language-client";
import { isMissingTsflowModule, withTsflowPath } from "./tsconfig-paths";

const OFFERED = "tsflow.typesOffered";

/**
 * "TSFlow: Set Up Types in This Workspace": copies the declarations of `tsflow` and `tsflow/client`
 * into `types/tsflow/` and maps the modules to them in tsconfig.json, as `tsflow init` does, so
 * TypeScript's own hover and completion know the authoring and client APIs with nothing installed.
 */
export async function setUpTypes(context: vscode.ExtensionContext, folder: vscode.Uri): Promise<void> {
  await vscode.workspace.fs.copy(
    vscode.Uri.joinPath(context.extensionUri, "dist", "types"),
    vscode.Uri.joinPath(folder, "types", "tsflow"),
    { overwrite: true },
  );
  const tsconfig = vscode.Uri.joinPath(folder, "tsconfig.json");
  const existing = await vscode.workspace.fs.readFile(tsconfig).then(
    (bytes) => new TextDecoder().decode(bytes),
    () => undefined,
  );
  await vscode.workspace.fs.writeFile(tsconfig, new TextEncoder().encode(withTsflowPath(existing)));
  void vscode.window.showInformationMessage(
    `TSFlow: types set up in ${vscode.workspace.asRelativePath(folder)}: types/tsflow and "paths" in tsconfig.json.`,
  );
}

export function typesCommand(context: vscode.ExtensionContext): CommandSpec {
  return {
    id: "tsflow.setupTypes",
    run: async () => {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      if (!folder)
        return void vscode.window.showErrorMessage("TSFlow: open a folder first: the types go into its tsconfig.json.");
      try {
        await setUpTypes(context, folder);
      } catch (error) {
        void vscode.window.showErrorMessage(`TSFlow: could not set up the types: ${errorMessage(error)}`);
      }
    },
  };
}

/**
 * Offers the setup once per workspace, when TypeScript reports that it cannot find "tsflow" or
 * "tsflow/client" in an open flow file (its error 2307).
 */
export function offerTypesSetup(context: vscode.ExtensionContext): vscode.Disposable {
  return vscode.languages.onDidChangeDiagnostics((event) => {
    if (context.workspaceState.get(OFFERED) || !vscode.workspace.workspaceFolders?.length) return;
    const missing = event.uris.some((uri) => {
      const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      return (
        document !== undefined &&
        isFlowDocument(document) &&
        vscode.languages.getDiagnostics(uri).some((d) => isMissingTsflowModule(d.code, d.message))
      );
    });
    if (!missing) return;
    void context.workspaceState.update(OFFERED, true);
    void vscode.window
      .showInformationMessage(
        "TSFlow: TypeScript cannot find TSFlow's modules in this workspace. Set up their types here?",
        "Set Up Types",
        "Not Now",
      )
      .then((choice) => {
        if (choice === "Set Up Types") void vscode.commands.executeCommand("tsflow.setupTypes");
      });
  });
}
