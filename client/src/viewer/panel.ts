import type * as vscode from "vscode";
import type { ArtifactTarget } from "../run-targets";
import { PagePanel } from "../webview-panel";
import { VIEWER_PAGE } from "./html";
import { isWebviewMessage, type ArtifactView, type HostMessage } from "./messages";

/** The webview type of the artifact viewer's panels. */
export const VIEW_TYPE = "tsflow.artifactViewer";

/**
 * One viewer panel: one artifact, read once. It keeps the view it made and posts it again whenever
 * the webview (re)loads, since a hidden webview is torn down and comes back empty.
 */
export class ArtifactPanel extends PagePanel<HostMessage> {
  constructor(
    panel: vscode.WebviewPanel,
    readonly target: ArtifactTarget,
    private readonly view: ArtifactView,
    extensionUri: vscode.Uri,
    private readonly log?: vscode.LogOutputChannel,
  ) {
    super(panel, extensionUri, VIEWER_PAGE);
    panel.title = panelTitle(target);
  }

  protected receive(message: unknown): void {
    if (!isWebviewMessage(message)) return;
    if (message.type === "ready") this.post({ type: "show", view: this.view, source: this.target });
    else this.log?.warn(`Artifact viewer of ${this.view.pathspec}: ${message.message}`);
  }
}

/** `losses · train/4`: the artifact first, as tabs get narrow. */
export function panelTitle(target: ArtifactTarget): string {
  const [, , step, task] = target.task.split("/");
  return step && task ? `${target.artifact} · ${step}/${task}` : target.artifact;
}
