import * as vscode from "vscode";
import type { ArtifactTarget } from "../run-targets";
import { viewerHtml, webviewOptions } from "./html";
import { isWebviewMessage, type ArtifactView, type HostMessage } from "./messages";

/** The webview type of the artifact viewer's panels. */
export const VIEW_TYPE = "tsflow.artifactViewer";

/**
 * One viewer panel: one artifact, read once. It keeps the view it made and posts it again whenever
 * the webview (re)loads, since a hidden webview is torn down and comes back empty.
 */
export class ArtifactPanel implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly disposed = new vscode.EventEmitter<void>();
  /** Fires once, when the user closes the panel or the extension disposes it. */
  readonly onDidDispose = this.disposed.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly target: ArtifactTarget,
    private readonly view: ArtifactView,
    extensionUri: vscode.Uri,
    private readonly log?: vscode.LogOutputChannel,
  ) {
    panel.title = panelTitle(target);
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = viewerHtml(panel.webview, extensionUri);
    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private receive(message: unknown): void {
    if (!isWebviewMessage(message)) return;
    if (message.type === "ready") this.post({ type: "show", view: this.view });
    else this.log?.warn(`Artifact viewer of ${this.view.pathspec}: ${message.message}`);
  }

  private post(message: HostMessage): void {
    // A hidden webview drops messages; it says "ready" again when shown.
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (this.subscriptions.length === 0) return;
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    this.panel.dispose();
    this.disposed.fire();
    this.disposed.dispose();
  }
}

/** `losses · train/4`: the artifact first, as tabs get narrow. */
export function panelTitle(target: ArtifactTarget): string {
  const [, , step, task] = target.task.split("/");
  return step && task ? `${target.artifact} · ${step}/${task}` : target.artifact;
}
