/**
 * Artifacts and logs as read-only `tsflow:` documents: an artifact as a JavaScript literal (see
 * ./render), a log that follows its task while it runs, and two runs' artifacts in the diff editor.
 * The pure parts (URI format, rendering, reading, tailing) import no `vscode` and are unit-tested.
 */
import * as vscode from "vscode";
import { registerCommands } from "../commands";
import { documentCommands } from "./commands";
import { TsflowDocuments } from "./provider";
import { SCHEME } from "./uri";

/** Registers the `tsflow:` file system and the open/compare commands; all are disposed with the extension. */
export function registerDocuments(context: vscode.ExtensionContext): void {
  const documents = new TsflowDocuments();
  context.subscriptions.push(
    documents,
    vscode.workspace.registerFileSystemProvider(SCHEME, documents, { isReadonly: true, isCaseSensitive: true }),
    vscode.workspace.onDidCloseTextDocument((document) => {
      if (document.uri.scheme === SCHEME) documents.closed(document.uri);
    }),
  );
  registerCommands(context, documentCommands(documents));
}
