/**
 * The live DAG preview: a webview beside the editor that draws a flow's graph as the user types,
 * with its problems on the nodes and the latest run's status over them. See ./webview for the page.
 */
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { Commands, GraphChangedNotification } from "../../../server/src/protocol";
import { registerCommands } from "../commands";
import { readSettings } from "../config";
import { graphRequester } from "../language-client";
import { PreviewManager, VIEW_TYPE } from "./preview-manager";
import type { LivePlacements } from "./run-overlay";

/** The command that saves the active preview's drawing as an SVG file. */
export const EXPORT_SVG_COMMAND = "tsflow.exportDagSvg";

/** Registers the preview's commands, panel serializer and listeners; all are disposed with the extension. */
export function registerPreview(
  context: vscode.ExtensionContext,
  client: LanguageClient,
  output: vscode.LogOutputChannel,
  /** A flow's name, whenever a run of it launched from the editor changes. */
  runChanged: vscode.Event<string>,
  /** Where the remote tasks of those runs stand. */
  placements: LivePlacements,
): void {
  const previews = new PreviewManager({
    extensionUri: context.extensionUri,
    log: output,
    requestGraph: graphRequester(client),
    placements,
  });
  registerCommands(context, [
    { id: Commands.showDag, run: (arg?: unknown) => previews.show(arg) },
    // A step's status lens: the DAG preview with that run's statuses.
    { id: Commands.showStepRun, run: (arg?: unknown) => previews.show(arg) },
    { id: EXPORT_SVG_COMMAND, run: () => previews.exportSvg() },
  ]);
  const autoOpen = (editor: vscode.TextEditor | undefined) =>
    previews.editorOpened(editor, editor !== undefined && readSettings(editor.document.uri).autoOpenPreview);
  context.subscriptions.push(
    previews,
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, previews.serializer),
    client.onNotification(GraphChangedNotification, (result) => previews.graphChanged(result)),
    runChanged((flow) => previews.runChanged(flow)),
    vscode.window.onDidChangeTextEditorSelection(({ textEditor }) => previews.selectionChanged(textEditor)),
    vscode.window.onDidChangeActiveTextEditor(autoOpen),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (
        ["datastoreRoot", "s3EndpointUrl", "namespace"].some((name) => event.affectsConfiguration(`tsflow.${name}`))
      ) {
        previews.settingsChanged();
      }
    }),
  );
  autoOpen(vscode.window.activeTextEditor);
}
