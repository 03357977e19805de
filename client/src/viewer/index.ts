/**
 * The artifact viewer: arrays of records and typed arrays as a sortable table with a histogram and
 * a line plot of a number column, PNG and JPEG bytes as an image. The value is read and shaped in
 * the extension host (./read, ./artifact-view); the page in ./webview only draws what it is sent.
 */
import * as vscode from "vscode";
import { errorMessage } from "../error-message";
import { RunViewCommands, type ArtifactTarget } from "../run-targets";
import { webviewOptions } from "../webview-page";
import { artifactView } from "./artifact-view";
import { restoredSource } from "./messages";
import { ArtifactPanel, VIEW_TYPE } from "./panel";
import { artifactPathspec, isArtifactTarget, readArtifact } from "./read";

/**
 * Registers `RunViewCommands.viewArtifact(target: ArtifactTarget)`; its panels are disposed with
 * the extension. `log`, when given, hears of errors inside the webview.
 */
export function registerViewer(context: vscode.ExtensionContext, log?: vscode.LogOutputChannel): void {
  const viewer = new ArtifactViewer(context.extensionUri, log);
  context.subscriptions.push(
    viewer,
    vscode.commands.registerCommand(RunViewCommands.viewArtifact, (target: unknown) => viewer.show(target)),
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, viewer.serializer),
  );
}

/** The open viewer panels, one per artifact. */
export class ArtifactViewer implements vscode.Disposable {
  private readonly panels = new Map<string, ArtifactPanel>();
  /** Artifacts being read: a second click meanwhile does not open a second panel. */
  private readonly reading = new Set<string>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log?: vscode.LogOutputChannel,
  ) {}

  /**
   * Brings a panel back after a window reload: the artifact its page kept is read again. One whose
   * artifact is gone closes, saying why; one already open elsewhere closes.
   */
  readonly serializer: vscode.WebviewPanelSerializer = {
    deserializeWebviewPanel: async (panel, state) => {
      const target = restoredSource(state);
      if (!target || this.panels.has(keyOf(target)) || this.reading.has(keyOf(target))) panel.dispose();
      else await this.read(target, keyOf(target), panel);
    },
  };

  /** Shows the artifact: reveals its panel if open, else reads it and opens one (or says why not). */
  async show(target: unknown): Promise<void> {
    if (!isArtifactTarget(target)) {
      void vscode.window.showInformationMessage("TSFlow: choose an artifact of a run to view it.");
      return;
    }
    const key = keyOf(target);
    const open = this.panels.get(key);
    if (open) return open.panel.reveal(open.panel.viewColumn);
    if (!this.reading.has(key)) await this.read(target, key);
  }

  /** Opens the artifact's panel, noting meanwhile that it is being read. */
  private async read(target: ArtifactTarget, key: string, restored?: vscode.WebviewPanel): Promise<void> {
    this.reading.add(key);
    try {
      await this.open(target, key, restored);
    } finally {
      this.reading.delete(key);
    }
  }

  /** Reads the artifact and shows it in a new panel, or in `restored`, a panel back from a reload. */
  private async open(target: ArtifactTarget, key: string, restored?: vscode.WebviewPanel): Promise<void> {
    const pathspec = artifactPathspec(target);
    let view: ReturnType<typeof artifactView>;
    try {
      const { value, header } = await readArtifact(target);
      view = artifactView(value, header);
    } catch (error) {
      restored?.dispose();
      // The client's errors name the task or file; a stack would tell the user nothing more.
      void vscode.window.showErrorMessage(`TSFlow: cannot view ${pathspec}: ${errorMessage(error)}`);
      return;
    }
    if (view.kind === "none") {
      restored?.dispose();
      return this.offerDocument(target, `${pathspec}: ${view.reason}.`);
    }
    const panel =
      restored ??
      vscode.window.createWebviewPanel(
        VIEW_TYPE,
        target.artifact,
        vscode.ViewColumn.Active,
        webviewOptions(this.extensionUri),
      );
    const viewer = new ArtifactPanel(panel, target, view, this.extensionUri, this.log);
    this.panels.set(key, viewer);
    viewer.onDidDispose(() => this.panels.delete(key));
  }

  private async offerDocument(target: ArtifactTarget, message: string): Promise<void> {
    const open = "Open as Document";
    const choice = await vscode.window.showInformationMessage(`TSFlow: ${message}`, open);
    if (choice === open) await vscode.commands.executeCommand(RunViewCommands.openArtifact, target);
  }

  dispose(): void {
    for (const panel of [...this.panels.values()]) panel.dispose();
  }
}

function keyOf(target: ArtifactTarget): string {
  return JSON.stringify([target.datastore, target.task, target.artifact]);
}
