import * as vscode from "vscode";
import { webviewOptions, webviewPage, type PageSpec } from "./webview-page";

/**
 * A webview panel showing one of the extension's pages: it loads the page, hands what the page
 * posts to `receive`, and disposes what it holds once, when the user closes the panel or the
 * extension disposes it. `Message` is what the extension may post to the page.
 */
export abstract class PagePanel<Message> implements vscode.Disposable {
  protected readonly subscriptions: vscode.Disposable[] = [];
  private readonly disposed = new vscode.EventEmitter<void>();
  /** Fires once, when the user closes the panel or the extension disposes it. */
  readonly onDidDispose = this.disposed.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    page: PageSpec,
  ) {
    panel.webview.options = webviewOptions(extensionUri);
    panel.webview.html = webviewPage(panel.webview, extensionUri, page);
    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** A message from the page: unchecked, since a page is not trusted to send what it should. */
  protected abstract receive(message: unknown): void;

  protected post(message: Message): void {
    // A hidden webview drops messages; its page says "ready" when shown again and is sent it all anew.
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
