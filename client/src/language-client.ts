import * as vscode from "vscode";
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node";
import { FlowGraphRequest, type FlowGraphResult, type ServerSettings } from "../../server/src/protocol";
import { extensionEnv } from "./cluster-env";
import { datastorePath, readSettings } from "./config";
import type { ServerStatus } from "./status-bar";

/** The language server bundled with the extension, spoken to over IPC. */
export function createLanguageClient(
  context: vscode.ExtensionContext,
  output: vscode.LogOutputChannel,
): LanguageClient {
  const module = context.asAbsolutePath("dist/server.js");
  // The server reads the latest runs for its lenses: with the cluster file's datastore and credentials.
  const env = extensionEnv();
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { env } },
    debug: { module, transport: TransportKind.ipc, options: { env, execArgv: ["--nolazy", "--inspect=6009"] } },
  };
  const settings = readSettings();
  const initializationOptions: ServerSettings = {
    datastoreRoot: datastorePath(settings),
    ...(settings.s3EndpointUrl ? { s3EndpointUrl: settings.s3EndpointUrl } : {}),
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: "typescript", scheme: "file" },
      { language: "typescript", scheme: "untitled" },
    ],
    synchronize: { configurationSection: "tsflow" },
    initializationOptions,
    outputChannel: output,
  };
  return new LanguageClient("tsflow", "TSFlow", serverOptions, clientOptions);
}

/** True for a document the server has something to say about: TypeScript that mentions FlowSpec. */
export function isFlowDocument(document: vscode.TextDocument): boolean {
  return document.languageId === "typescript" && document.getText().includes("FlowSpec");
}

/**
 * Starts the server once a flow document is open (other TypeScript work costs nothing), and keeps
 * the `tsflow.flowFile` context key, which shows the Run button in the title bar of flow files only.
 */
export function startOnFlowDocuments(
  context: vscode.ExtensionContext,
  client: LanguageClient,
  status: ServerStatus,
  output: vscode.LogOutputChannel,
): void {
  const startWhenNeeded = (document: vscode.TextDocument) => {
    if (client.isRunning() || !isFlowDocument(document)) return;
    status.show();
    client.start().catch((error: unknown) => reportStartFailure(output, error));
  };
  vscode.workspace.textDocuments.forEach(startWhenNeeded);
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

/** Asks the server for a document's flow graphs and diagnostics; `flow` narrows them to one flow. */
export function graphRequester(client: LanguageClient) {
  return (uri: string, flow?: string): Promise<FlowGraphResult | null> =>
    client.sendRequest(FlowGraphRequest, { textDocument: { uri }, ...(flow === undefined ? {} : { flow }) });
}

function reportStartFailure(output: vscode.LogOutputChannel, error: unknown) {
  output.error(
    `the TSFlow language server failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  void vscode.window.showErrorMessage("TSFlow: the language server failed to start.", "Show Logs").then((choice) => {
    if (choice) output.show(true);
  });
}
