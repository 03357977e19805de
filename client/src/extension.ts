import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { registerCommands } from "./commands";
import { followClusterEnv, followS3Endpoint } from "./config";
import { registerDocuments } from "./documents";
import { createLanguageClient, graphRequester, startOnFlowDocuments } from "./language-client";
import { registerPreview } from "./preview";
import { registerExplorer } from "./runs-view";
import { runCommands } from "./run-commands";
import { RunLauncher } from "./run-launcher";
import { ServerStatus } from "./status-bar";
import { offerTypesSetup, typesCommand } from "./types-setup";
import { registerViewer } from "./viewer";

let client: LanguageClient | undefined;

/**
 * The composition root. The extension activates on TypeScript, but starts its language server only
 * once a file that defines a flow is open: other TypeScript work costs nothing.
 */
export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel("TSFlow", { log: true });
  followClusterEnv(context);
  followS3Endpoint(context);
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
  registerPreview(context, client, output, launcher.onDidChangeRun, launcher.placements);
  registerExplorer(context, {
    log: output,
    requestGraph: graphRequester(client),
    runChanged: launcher.onDidChangeRun,
    placements: launcher.placements,
  });
  registerDocuments(context);
  registerViewer(context, output);
  startOnFlowDocuments(context, client, status, output);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
