import * as vscode from "vscode";
import { RunViewCommands } from "../run-targets";
import type { ExplorerData, WorkspaceFlow } from "./data";
import type { ExpandedRows } from "./expanded-rows";
import { isParent, runChanged, type ExplorerNode, type FlowNode, type MoreNode, type RunNode } from "./nodes";
import type { RecordChange } from "./record-paths";

/** The command a "Load more…" row runs. */
export const LOAD_MORE_COMMAND = "tsflow.explorer.loadMore";

/**
 * The runs explorer's TreeDataProvider. It hands VS Code one object per row key for as long as the
 * row is shown, updating it in place on every read: VS Code refreshes an element by identity, so a
 * live update can name exactly the run or step that changed.
 */
export class RunsTree implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** The rows shown, by key; a row leaves when its parent is read again without it. */
  private readonly nodes = new Map<string, ExplorerNode>();
  private readonly children = new Map<string, string[]>();
  /** The newest run of each expanded flow at the last check for new runs. */
  private readonly newest = new Map<string, string | undefined>();

  constructor(
    private readonly data: ExplorerData,
    private readonly workspaceFlows: () => Promise<WorkspaceFlow[]>,
    /** The rows the user left open: they open so again after a window reload. */
    private readonly expandedRows: ExpandedRows,
    /** Called after every read, to start polling when a running run has come into view. */
    private readonly afterRead: () => void = () => {},
  ) {}

  /** A run row's parent, for `TreeView.reveal`: its flow's row, when shown. Other rows are not revealed. */
  getParent(node: ExplorerNode): ExplorerNode | undefined {
    return node.kind === "run" ? this.nodes.get(`flow:${node.flow}`) : undefined;
  }

  /** The row shown for `node`'s key, made the shown one when there is none yet. */
  shown(node: ExplorerNode): ExplorerNode {
    return this.nodes.get(node.key) ?? node;
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    return toTreeItem(node, this.expandedRows.has(node.key));
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    if (node && !isParent(node)) return [];
    const fresh = node ? await this.data.children(node) : await this.data.roots(await this.workspaceFlows());
    const parentKey = node?.key ?? "";
    for (const key of this.children.get(parentKey) ?? []) this.forget(key);
    this.children.set(
      parentKey,
      fresh.map((n) => n.key),
    );
    const shown = fresh.map((n) => this.adopt(n));
    this.afterRead();
    return shown;
  }

  /** Reads everything again: after a settings or filter change, or the Refresh button. */
  refreshAll(): void {
    this.changed.fire(undefined);
  }

  /** Shows the next page of a flow's runs or a step's tasks. */
  loadMore(more: MoreNode): void {
    this.data.loadMore(more);
    this.fire(this.nodes.get(more.parent));
  }

  /** A run of `flow` changed: its runs are listed again (or the flows, when it is new). */
  refreshFlow(flow: string): void {
    if (!this.shownInDatastore(flow)) return this.fire(undefined);
    for (const node of this.flowRows(flow)) if (this.children.has(node.key)) this.fire(node);
  }

  /** Whether a run shown is running: the explorer polls while one is. */
  hasRunning(): boolean {
    return [...this.nodes.values()].some((n) => n.kind === "run" && n.status === "running");
  }

  /**
   * Applies what changed in the datastore: a shown run is read again and, when it changed, its row
   * (with whatever of its subtree is expanded) refreshed, or its flow listed again when the run is
   * gone; a run not shown yet makes its flow list again; a flow not shown yet, or a change to a
   * whole flow or to the datastore, makes the roots list again.
   */
  async apply(changes: readonly RecordChange[]): Promise<void> {
    const runs = new Map(changes.map((c) => [`${c.flow}/${c.run}`, c]));
    for (const change of runs.values()) {
      if (change.run === undefined) return this.fire(undefined);
      if (change.flow === undefined || !this.shownInDatastore(change.flow)) return this.fire(undefined);
      const run = this.nodes.get(`run:${change.flow}/${change.run}`) as RunNode | undefined;
      if (run) await this.refreshRun(run);
      else for (const flow of this.flowRows(change.flow)) if (this.children.has(flow.key)) this.fire(flow);
    }
  }

  /**
   * Looks for what a watcher may have missed: a flow the roots do not show, a newer run of an
   * expanded flow than was last seen, or a run shown that is gone. Only what changed is read again.
   */
  async checkForNew(): Promise<void> {
    const expanded = [...this.nodes.values()].filter(
      (n): n is FlowNode => n.kind === "flow" && this.children.has(n.key),
    );
    const seen = await this.data.glance(expanded.map((n) => n.flow));
    if (seen.flows.some((flow) => !this.shownInDatastore(flow))) return this.fire(undefined);
    for (const flow of expanded) {
      const newest = seen.newest.get(flow.flow);
      // By row: a class defined in two files has a row for each.
      const before = this.newest.get(flow.key);
      this.newest.set(flow.key, newest);
      const stored = seen.ids.get(flow.flow);
      const gone = stored !== undefined && this.runsShown(flow).some((run) => !stored.has(run.runId));
      const newer = newest !== undefined && newest !== before && !this.nodes.has(`run:${flow.flow}/${newest}`);
      if (gone || newer) this.fire(flow);
    }
  }

  /** The run rows under a flow's row. */
  private runsShown(flow: FlowNode): RunNode[] {
    const keys = this.children.get(flow.key) ?? [];
    return keys.map((key) => this.nodes.get(key)).filter((node): node is RunNode => node?.kind === "run");
  }

  /** Whether the roots show `flow` as one with runs (a flow only in a file shows "no runs yet"). */
  private shownInDatastore(flow: string): boolean {
    return this.flowRows(flow).some((node) => node.inDatastore);
  }

  /** The roots of class `flow`: one, or one per file when the workspace defines it in several. */
  private flowRows(flow: string): FlowNode[] {
    return (this.children.get("") ?? [])
      .map((key) => this.nodes.get(key))
      .filter((node): node is FlowNode => node?.kind === "flow" && node.flow === flow);
  }

  /** Reads every running run shown again: its duration and steps move even without a file event. */
  async pollRunning(): Promise<void> {
    const running = [...this.nodes.values()].filter((n): n is RunNode => n.kind === "run" && n.status === "running");
    for (const run of running) await this.refreshRun(run);
  }

  private async refreshRun(run: RunNode): Promise<void> {
    const fresh = await this.data.run(run.flow, run.runId);
    if (!fresh)
      return this.fire(this.flowRows(run.flow).find((flow) => this.children.get(flow.key)?.includes(run.key)));
    // Watchers repeat and delay events: a finished run's record read again is often the same.
    if (!runChanged(run, fresh)) return;
    this.adopt(fresh);
    this.fire(run);
  }

  private fire(node: ExplorerNode | undefined): void {
    this.changed.fire(node);
  }

  /** The shown object for `node`'s key, updated to `node`'s fields; `node` itself when new. */
  private adopt(node: ExplorerNode): ExplorerNode {
    const existing = this.nodes.get(node.key);
    if (!existing) {
      this.nodes.set(node.key, node);
      return node;
    }
    for (const field of Object.keys(existing)) delete (existing as unknown as Record<string, unknown>)[field];
    return Object.assign(existing, node);
  }

  private forget(key: string): void {
    this.nodes.delete(key);
    for (const child of this.children.get(key) ?? []) this.forget(child);
    this.children.delete(key);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** The row for `node`; `leftOpen` when the user had it expanded (VS Code forgets that on a reload). */
function toTreeItem(node: ExplorerNode, leftOpen: boolean): vscode.TreeItem {
  const state = {
    none: vscode.TreeItemCollapsibleState.None,
    collapsed: leftOpen ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
    expanded: vscode.TreeItemCollapsibleState.Expanded,
  }[node.collapsible];
  const item = new vscode.TreeItem(node.label, state);
  item.id = node.key;
  item.description = node.description;
  item.tooltip = node.tooltip;
  item.contextValue = node.contextValue;
  item.iconPath = new vscode.ThemeIcon(
    node.icon.id,
    node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined,
  );
  item.command = commandOf(node);
  // The status is an icon's colour on screen: a screen reader is told it in words.
  const status = "status" in node ? node.status : undefined;
  item.accessibilityInformation = {
    label: [node.label, status, node.description].filter(Boolean).join(", "),
  };
  return item;
}

/** What a click does: open an artifact or a log, or load more runs. */
function commandOf(node: ExplorerNode): vscode.Command | undefined {
  switch (node.kind) {
    case "artifact":
      return { command: RunViewCommands.openArtifact, title: "Open Artifact", arguments: [node.target] };
    case "log":
      return { command: RunViewCommands.openLog, title: "Open Log", arguments: [node.target] };
    case "more":
      return { command: LOAD_MORE_COMMAND, title: "Load More", arguments: [node] };
    default:
      return undefined;
  }
}
