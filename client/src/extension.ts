import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { registerCommands } from "./commands";
import { createLanguageClient, isFlowDocument } from "./language-client";
import { registerPreview } from "./preview";
import { runCommands } from "./run-commands";
import { RunLauncher } from "./run-launcher";
import { ServerStatus } from "./status-bar";
import { offerTypesSetup, typesCommand } from "./types-setup";

let client: LanguageClient | undefined;

/**
 * The composition root. The extension activates on TypeScript, but starts its language server only
 * once a file that defines a flow is open: other TypeScript work costs nothing.
 */
export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel("TSFlow", { log: true });
  client = createLanguageClient(context, output);
  const status = new ServerStatus(client);
  context.subscriptions.push(output, status, { dispose: () => void client?.stop() });
  const runs = vscode.window.createOutputChannel("TSFlow Runs");
  const launcher = new RunLauncher(context, runs);
  context.subscriptions.push(runs, launcher);
  registerCommands(context, [
    { id: "tsflow.showOutput", run: () => output.show(true) },
    { id: "tsflow.restartServer", run: () => client?.restart() },
    ...runCommands(client, launcher, runs),
    typesCommand(context),
  ]);
  context.subscriptions.push(offerTypesSetup(context));
  registerPreview(context, client, output, launcher.onDidChangeRun);
  const startWhenNeeded = (document: vscode.TextDocument) => {
    if (!client || client.isRunning() || !isFlowDocument(document)) return;
    status.show();
    client.start().catch((error: unknown) => reportStartFailure(output, error));
  };
  vscode.workspace.textDocuments.forEach(startWhenNeeded);
  // `tsflow.flowFile` shows the Run button in the title bar of flow files only.
  const markFlowFile = (editor: vscode.TextEditor | undefined) =>
    void vscode.commands.executeCommand(
      "setContext",
      "tsflow.flowFile",
      editor !== undefined && isFlowDocument(editor.document),
    );
  markFlowFile(vscode.window.activeTextEditor);
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(startWhenNeeded),
    vscode.window.onDidChangeActiveTextEditor(markFlowFile),
  );
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

function reportStartFailure(output: vscode.LogOutputChannel, error: unknown) {
  output.error(
    `the TSFlow language server failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  void vscode.window.showErrorMessage("TSFlow: the language server failed to start.", "Show Logs").then((choice) => {
    if (choice) output.show(true);
  });
}
