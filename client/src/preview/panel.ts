import { dirname, join } from "node:path";
import * as vscode from "vscode";
import type { SourceRange } from "../../../runtime/src/graph/model";
import type { FlowGraphResult } from "../../../server/src/protocol";
import { datastorePath, readSettings } from "../config";
import { errorMessage } from "../error-message";
import { PagePanel } from "../webview-panel";
import { nextView, stepAt, type AnalysisUpdate } from "./graph-state";
import { PREVIEW_PAGE } from "./html";
import { isWebviewMessage, type GraphView, type HostMessage, type RunOverlay, type WebviewMessage } from "./messages";
import { resolveNamespace, type LivePlacements } from "./run-overlay";
import { RunFeed, type RunSource } from "./run-watch";

/** What a panel needs of the extension: narrow, so the wiring stays in one place. */
export interface PanelContext {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  /** `tsflow/flowGraph` for one flow of a document; null when the server does not have it open. */
  requestGraph(uri: string, flow?: string): Promise<FlowGraphResult | null>;
  /** Where the remote tasks of runs launched from the editor stand. */
  placements?: LivePlacements;
}

/** An exported drawing larger than this is not a drawing the webview made. */
const MAX_SVG_CHARS = 50_000_000;

/**
 * One DAG preview: a webview panel showing one flow of one document. It keeps what it last sent
 * (graph, run, cursor step) and sends it all again whenever the webview (re)loads, so a panel that
 * was hidden or restored after a reload comes back as it was.
 */
export class DagPanel extends PagePanel<HostMessage> {
  private view: GraphView | undefined;
  private run: { run: RunOverlay | null; namespace: string | null; missing?: string } | undefined;
  private current: string | null = null;
  /** The id of the run the user chose to see; undefined shows the latest. */
  private chosenRun: string | undefined;
  private readonly feed: RunFeed;

  constructor(
    panel: vscode.WebviewPanel,
    readonly uri: vscode.Uri,
    readonly flow: string,
    private readonly context: PanelContext,
  ) {
    super(panel, context.extensionUri, PREVIEW_PAGE);
    panel.title = `DAG: ${flow}`;
    this.feed = new RunFeed(
      () => this.runSource(),
      (run, namespace) => {
        // A chosen run that reads as none was deleted (or its datastore moved): say which.
        const missing = run === null && this.chosenRun !== undefined ? `${this.flow}/${this.chosenRun}` : undefined;
        this.run = { run, namespace, ...(missing ? { missing } : {}) };
        this.post({ type: "run", ...this.run });
      },
      context.log,
    );
    this.subscriptions.push(
      this.feed,
      panel.onDidChangeViewState(({ webviewPanel }) => {
        this.feed.visible(webviewPanel.visible);
        if (webviewPanel.visible) this.feed.refresh();
      }),
    );
    this.feed.visible(panel.visible);
    void this.refreshGraph();
  }

  /** Reads the run again now. */
  refreshRun(): void {
    this.feed.refresh();
  }

  /** Shows the run `FLOW/ID` rather than the latest, or the latest again with undefined. */
  showRun(pathspec: string | undefined): void {
    const id = pathspec?.split("/")[1];
    if (id === this.chosenRun) return;
    this.chosenRun = id;
    this.feed.restart();
  }

  /** A new analysis of some document: redraws when it is this panel's. */
  update(result: AnalysisUpdate): void {
    if (result.uri !== this.uri.toString()) return;
    const next = nextView(this.view, result, this.flow);
    if (next === this.view) return;
    this.view = next;
    this.post({ type: "graph", view: next });
    this.followCursor();
  }

  /** Highlights the step under the cursor of this document's editor. */
  followCursor(editor = this.editor()): void {
    if (!editor || editor.document.uri.toString() !== this.uri.toString()) return;
    const { line, character } = editor.selection.active;
    const step = stepAt(this.view?.graph ?? null, { line, character });
    if (step === this.current) return;
    this.current = step;
    this.post({ type: "current", step });
  }

  /** Reads the runs again, from where the settings now say. */
  settingsChanged(): void {
    this.feed.restart();
  }

  /** Asks the webview for its drawing; the answer is saved like the Export button's. */
  requestSvg(): void {
    this.post({ type: "requestSvg" });
  }

  private async refreshGraph(): Promise<void> {
    try {
      let result = await this.context.requestGraph(this.uri.toString(), this.flow);
      if (!result) {
        // After a window reload the file may not be open: opening it hands it to the server.
        await vscode.workspace.openTextDocument(this.uri);
        result = await this.context.requestGraph(this.uri.toString(), this.flow);
      }
      if (result) this.update(result);
    } catch (error) {
      this.context.log.warn(`DAG preview of ${this.flow}: no graph from the server: ${errorMessage(error)}`);
    }
  }

  protected receive(message: unknown): void {
    if (!isWebviewMessage(message)) return;
    this.handle(message).catch((error: unknown) =>
      this.context.log.error(`DAG preview of ${this.flow}: ${message.type} failed: ${errorMessage(error)}`),
    );
  }

  private async handle(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case "ready":
        return this.resend();
      case "reveal":
        return this.reveal(message.step);
      case "exportSvg":
        return this.save(message.svg);
      case "showLatest":
        return this.showRun(undefined);
      case "error":
        this.context.log.warn(`DAG preview of ${this.flow}: ${message.message}`);
    }
  }

  /** The webview (re)loaded: everything it should show, in order. */
  private async resend(): Promise<void> {
    this.post({ type: "init", uri: this.uri.toString(), flow: this.flow });
    if (this.view) this.post({ type: "graph", view: this.view });
    else await this.refreshGraph();
    if (this.run) this.post({ type: "run", ...this.run });
    if (this.current !== null) this.post({ type: "current", step: this.current });
  }

  /** Selects the step's name in its editor, opening the file beside the preview if needed. */
  private async reveal(name: string): Promise<void> {
    const step = this.view?.graph?.steps.find((s) => s.name === name);
    if (!step) return;
    const document = await vscode.workspace.openTextDocument(this.uri);
    const range = document.validateRange(toRange(step.nameRange));
    const shown = vscode.window.visibleTextEditors.find((e) => e.document === document);
    const column =
      shown?.viewColumn ??
      (this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Beside : vscode.ViewColumn.One);
    const editor = await vscode.window.showTextDocument(document, {
      viewColumn: column,
      selection: new vscode.Selection(range.start, range.end),
    });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private async save(svg: string): Promise<void> {
    if (!svg.startsWith("<svg") || svg.length > MAX_SVG_CHARS) {
      this.context.log.warn(`DAG preview of ${this.flow}: the webview sent no usable SVG`);
      return;
    }
    const target = await vscode.window.showSaveDialog({
      title: `Export the DAG of ${this.flow} as SVG`,
      saveLabel: "Export",
      filters: { "SVG image": ["svg"] },
      defaultUri:
        this.uri.scheme === "file" ? vscode.Uri.file(join(dirname(this.uri.fsPath), `${this.flow}.svg`)) : undefined,
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(svg));
    void vscode.window.showInformationMessage(
      `TSFlow: saved the DAG of ${this.flow} to ${vscode.workspace.asRelativePath(target)}.`,
    );
  }

  private runSource(): RunSource {
    const settings = readSettings(this.uri);
    // As the server's lenses do: the setting, else `.tsflow` beside a file outside any folder.
    const beside = this.uri.scheme === "file" ? join(dirname(this.uri.fsPath), ".tsflow") : undefined;
    return {
      root: datastorePath(settings) ?? beside,
      flow: this.flow,
      namespace: resolveNamespace(settings.namespace),
      ...(this.chosenRun === undefined ? {} : { chosen: this.chosenRun }),
      ...(this.uri.scheme === "file" ? { flowFile: this.uri.fsPath } : {}),
      ...(this.context.placements ? { live: this.context.placements } : {}),
    };
  }

  /** The editor showing this document: the active one if it is, else any visible one. */
  private editor(): vscode.TextEditor | undefined {
    const mine = (e: vscode.TextEditor | undefined) => e?.document.uri.toString() === this.uri.toString();
    const active = vscode.window.activeTextEditor;
    return mine(active) ? active : vscode.window.visibleTextEditors.find(mine);
  }
}

function toRange(range: SourceRange): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}
