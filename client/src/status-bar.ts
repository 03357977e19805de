import * as vscode from "vscode";
import { State, type LanguageClient } from "vscode-languageclient/node";

/**
 * The status bar item: the server's state and the flow problems in open files. Clicking it shows
 * the output channel, where the server logs.
 */
export class ServerStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("tsflow.status", vscode.StatusBarAlignment.Left, 10);
  private readonly subscriptions: vscode.Disposable[] = [];
  private state: State | undefined;

  constructor(client: LanguageClient) {
    this.item.name = "TSFlow";
    this.item.command = "tsflow.showOutput";
    this.subscriptions.push(
      client.onDidChangeState((event) => {
        this.state = event.newState;
        this.render();
      }),
      vscode.languages.onDidChangeDiagnostics(() => this.render()),
    );
    this.render();
  }

  /** Shown once the server starts, so TypeScript files without flows get no item. */
  show(): void {
    this.item.show();
  }

  private render() {
    if (this.state === State.Stopped) {
      this.item.text = "$(error) TSFlow: server down";
      this.item.tooltip =
        "The TSFlow language server stopped. Click for its log; run “TSFlow: Restart Language Server” to start it again.";
      this.item.backgroundColor = new vscode.ThemeColor("statusBarItem.errorBackground");
      return;
    }
    this.item.backgroundColor = undefined;
    if (this.state !== State.Running) {
      this.item.text = "$(sync~spin) TSFlow: analyzing";
      this.item.tooltip = "The TSFlow language server is starting.";
      return;
    }
    const problems = vscode.languages
      .getDiagnostics()
      .reduce((n, [, diagnostics]) => n + diagnostics.filter((d) => d.source === "tsflow").length, 0);
    this.item.text =
      problems === 0 ? "$(check) TSFlow" : `$(warning) TSFlow: ${problems} problem${problems === 1 ? "" : "s"}`;
    this.item.tooltip =
      problems === 0
        ? "No problems in open flow files. Click for the log."
        : "Problems in open flow files: see the Problems panel. Click for the log.";
  }

  dispose(): void {
    this.item.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
