import * as vscode from "vscode";
import type { WorkspaceFlow } from "./data";
import { flowClassNames } from "./flow-source";

/** Files looked at for flows, at most: a huge monorepo should not stall the view. */
const MAX_FILES = 2000;
const EXCLUDE = "{**/node_modules/**,**/.tsflow/**,**/dist/**,**/out/**,**/.git/**}";

/**
 * The flow classes defined in the workspace's TypeScript files, so a flow shows before its first
 * run. Files are scanned once, then kept current by a watcher; `onDidChange` fires when the set of
 * flows changes.
 */
export class WorkspaceFlows implements vscode.Disposable {
  private readonly byFile = new Map<string, WorkspaceFlow[]>();
  private scanned: Promise<void> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly watcher = vscode.workspace.createFileSystemWatcher("**/*.ts");

  constructor() {
    const update = (uri: vscode.Uri) => void this.update(uri);
    this.watcher.onDidCreate(update);
    this.watcher.onDidChange(update);
    this.watcher.onDidDelete((uri) => {
      if (this.byFile.delete(uri.fsPath)) this.changed.fire();
    });
  }

  /** Every flow found, in file order. */
  async list(): Promise<WorkspaceFlow[]> {
    this.scanned ??= this.scan();
    await this.scanned;
    return [...this.byFile.values()].flat();
  }

  private async scan(): Promise<void> {
    const files = await vscode.workspace.findFiles("**/*.ts", EXCLUDE, MAX_FILES);
    await Promise.all(files.map((uri) => this.read(uri)));
  }

  private async update(uri: vscode.Uri): Promise<void> {
    if (!this.scanned || uri.fsPath.includes(`node_modules`)) return;
    const before = JSON.stringify(this.byFile.get(uri.fsPath) ?? []);
    await this.read(uri);
    if (JSON.stringify(this.byFile.get(uri.fsPath) ?? []) !== before) this.changed.fire();
  }

  private async read(uri: vscode.Uri): Promise<void> {
    // Declaration files declare, they define no flow (the `tsflow` types' examples would count).
    if (uri.fsPath.endsWith(".d.ts")) return;
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      this.byFile.delete(uri.fsPath);
      return;
    }
    const where = vscode.workspace.asRelativePath(uri);
    const flows = flowClassNames(text).map((flow) => ({ flow, file: uri.fsPath, where }));
    if (flows.length > 0) this.byFile.set(uri.fsPath, flows);
    else this.byFile.delete(uri.fsPath);
  }

  dispose(): void {
    this.watcher.dispose();
    this.changed.dispose();
  }
}
