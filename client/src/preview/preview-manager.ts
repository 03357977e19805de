import * as vscode from "vscode";
import type { CommandTarget, FlowGraphResult } from "../../../server/src/protocol";
import { errorMessage } from "../error-message";
import { isFlowDocument } from "../language-client";
import { webviewOptions } from "../webview-page";
import { flowAt } from "./graph-state";
import { isPreviewState } from "./messages";
import { DagPanel, type PanelContext } from "./panel";

/** The webview type: package.json's `onWebviewPanel:tsflow.dag` restores panels of it after a reload. */
export const VIEW_TYPE = "tsflow.dag";

/**
 * The open DAG previews, one per flow of a document: opens them, routes each graph notification,
 * cursor move and settings change to the panels it concerns, and restores them after a reload.
 */
export class PreviewManager implements vscode.Disposable {
  private readonly panels = new Map<string, DagPanel>();
  private active: DagPanel | undefined;
  /** Documents auto-opened once this session: closing a preview is not undone behind the user's back. */
  private readonly autoOpened = new Set<string>();

  constructor(private readonly context: PanelContext) {}

  /**
   * "TSFlow: Show DAG". `arg` is a code lens's CommandTarget, an editor title button's file URI,
   * or nothing (the active editor, and the flow under its cursor or its first flow).
   */
  async show(arg?: unknown): Promise<void> {
    let target: { uri: vscode.Uri; flow: string } | undefined;
    try {
      target = await this.target(arg);
    } catch (error) {
      this.context.log.error(`Show DAG: ${errorMessage(error)}`);
      void vscode.window.showErrorMessage(
        "TSFlow: the DAG cannot be shown: the language server did not answer. See the output for details.",
      );
    }
    if (!target) return;
    // A status lens or the runs explorer names a run to show; Show DAG alone shows the latest.
    const run = isCommandTarget(arg) ? arg.runPathspec : undefined;
    const existing = this.panels.get(keyOf(target.uri, target.flow));
    if (existing) {
      existing.showRun(run);
      existing.panel.reveal(existing.panel.viewColumn, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      VIEW_TYPE,
      `DAG: ${target.flow}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      webviewOptions(this.context.extensionUri),
    );
    this.adopt(panel, target.uri, target.flow).showRun(run);
  }

  /** Restores a panel after a window reload from the state its webview saved. */
  readonly serializer: vscode.WebviewPanelSerializer = {
    deserializeWebviewPanel: (panel, state: unknown) => {
      if (!isPreviewState(state) || this.panels.has(keyOf(vscode.Uri.parse(state.uri), state.flow))) {
        panel.dispose();
      } else {
        this.adopt(panel, vscode.Uri.parse(state.uri), state.flow).showRun(state.run);
      }
      return Promise.resolve();
    },
  };

  graphChanged(result: FlowGraphResult): void {
    for (const panel of this.panels.values()) panel.update(result);
  }

  selectionChanged(editor: vscode.TextEditor): void {
    for (const panel of this.panels.values()) panel.followCursor(editor);
  }

  /** A run of `flow` changed: its previews read it now. */
  runChanged(flow: string): void {
    for (const panel of this.panels.values()) if (panel.flow === flow) panel.refreshRun();
  }

  settingsChanged(): void {
    for (const panel of this.panels.values()) panel.settingsChanged();
  }

  /** "TSFlow: Export DAG as SVG": the active preview's drawing, else the only one open. */
  exportSvg(): void {
    const panel = this.active ?? (this.panels.size === 1 ? [...this.panels.values()][0] : undefined);
    if (panel) panel.requestSvg();
    else void vscode.window.showInformationMessage("TSFlow: open a DAG preview (TSFlow: Show DAG) to export it.");
  }

  /** With `tsflow.autoOpenPreview`, a flow file's first time in an editor opens its preview. */
  editorOpened(editor: vscode.TextEditor | undefined, enabled: boolean): void {
    if (!enabled || !editor || !isFlowDocument(editor.document)) return;
    const uri = editor.document.uri.toString();
    if (this.autoOpened.has(uri) || [...this.panels.values()].some((p) => p.uri.toString() === uri)) return;
    this.autoOpened.add(uri);
    void this.show(editor.document.uri);
  }

  private adopt(webviewPanel: vscode.WebviewPanel, uri: vscode.Uri, flow: string): DagPanel {
    const key = keyOf(uri, flow);
    const panel = new DagPanel(webviewPanel, uri, flow, this.context);
    this.panels.set(key, panel);
    if (webviewPanel.active) this.active = panel;
    webviewPanel.onDidChangeViewState(({ webviewPanel: changed }) => {
      if (changed.active) this.active = panel;
      else if (this.active === panel) this.active = undefined;
    });
    panel.onDidDispose(() => {
      this.panels.delete(key);
      if (this.active === panel) this.active = undefined;
    });
    return panel;
  }

  private async target(arg: unknown): Promise<{ uri: vscode.Uri; flow: string } | undefined> {
    if (isCommandTarget(arg)) return { uri: vscode.Uri.parse(arg.uri), flow: arg.flow };
    const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    if (!uri) {
      if (this.active) this.active.panel.reveal(this.active.panel.viewColumn);
      else void vscode.window.showInformationMessage("TSFlow: open a flow file to show its DAG.");
      return undefined;
    }
    await vscode.workspace.openTextDocument(uri);
    const result = await this.context.requestGraph(uri.toString());
    const editors = [vscode.window.activeTextEditor, ...vscode.window.visibleTextEditors];
    const editor = editors.find((e) => e?.document.uri.toString() === uri.toString());
    const cursor = editor && { line: editor.selection.active.line, character: editor.selection.active.character };
    const flow = result ? flowAt(result.analysis, cursor) : undefined;
    if (!flow) {
      void vscode.window.showInformationMessage(`TSFlow: ${vscode.workspace.asRelativePath(uri)} defines no flow.`);
      return undefined;
    }
    return { uri, flow };
  }

  dispose(): void {
    for (const panel of [...this.panels.values()]) panel.dispose();
  }
}

function keyOf(uri: vscode.Uri, flow: string): string {
  return `${uri.toString()}#${flow}`;
}

function isCommandTarget(value: unknown): value is CommandTarget {
  const target = value as Partial<CommandTarget> | null;
  return (
    typeof value === "object" && value !== null && typeof target?.uri === "string" && typeof target.flow === "string"
  );
}
