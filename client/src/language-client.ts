import * as vscode from "vscode";
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node";
import type { ServerSettings } from "../../server/src/protocol";
import { datastorePath, readSettings } from "./config";

/** The language server bundled with the extension, spoken to over IPC. */
export function createLanguageClient(
  context: vscode.ExtensionContext,
  output: vscode.LogOutputChannel,
): LanguageClient {
  const module = context.asAbsolutePath("dist/server.js");
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ["--nolazy", "--inspect=6009"] } },
  };
  const initializationOptions: ServerSettings = { datastoreRoot: datastorePath(readSettings()) };
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
