/**
 * The runs explorer: a tree in the TSFlow activity-bar container of flows → runs → steps → tasks →
 * artifacts and logs, filtered by namespace, tag and status, following the datastore as runs go.
 * Reads go through the runtime's read-only client API only (./data.ts); this folder's vscode side
 * is the tree (./tree.ts), the watcher and poll (./live.ts) and the commands.
 */
import * as vscode from "vscode";
import type { FlowGraphResult } from "../../../server/src/protocol";
import { registerCommands } from "../commands";
import { datastorePath, datastoreProblem, readSettings } from "../config";
import { resolveNamespace } from "../preview/run-overlay";
import { ExplorerCommands, nodeCommands } from "./commands";
import { ExplorerData, type ExplorerSource, type LivePlacements } from "./data";
import { ExpandedRows } from "./expanded-rows";
import { describeFilter, effectiveNamespace, isFiltered, parseFilter, type ExplorerFilter } from "./filter";
import { pickFilter } from "./filter-commands";
import { LiveRuns } from "./live";
import { RunsTree } from "./tree";
import { WorkspaceFlows } from "./workspace-flows";

export { ExplorerCommands } from "./commands";

/** The view's id, as package.json declares it in the `tsflow` view container. */
export const RUNS_VIEW = "tsflow.runs";
/** The context key that shows the Clear Filters button. */
const FILTERED_KEY = "tsflow.explorer.filtered";
/** Where the filter is kept between sessions, per workspace. */
const FILTER_STATE = "tsflow.explorer.filter";

/** What the explorer takes from the rest of the extension. */
export interface ExplorerDeps {
  /** Where failed reads and CLI errors are logged. */
  log: vscode.LogOutputChannel;
  /**
   * The language server's analysis of a flow file (FlowGraphRequest), for the exact line of a step;
   * without it, or when it does not answer, the step is found by its method's name.
   */
  requestGraph?: (uri: string, flow?: string) => Thenable<FlowGraphResult | null>;
  /**
   * Fires with a flow's name when a run launched from the editor changes (RunLauncher.onDidChangeRun):
   * its runs are read at once instead of waiting for the file watcher.
   */
  runChanged?: vscode.Event<string>;
  /** Where the remote tasks of those runs stand (RunLauncher.placements). */
  placements?: LivePlacements;
}

/** Creates the runs view, its watcher and its commands; everything is disposed with the extension. */
export function registerExplorer(context: vscode.ExtensionContext, deps: ExplorerDeps): void {
  let filter: ExplorerFilter = parseFilter(context.workspaceState.get(FILTER_STATE));
  const source = (): ExplorerSource => {
    const settings = readSettings();
    const ns = resolveNamespace(effectiveNamespace(filter, settings.namespace));
    return { root: datastorePath(settings), namespace: ns, filter };
  };
  const warn = (error: Error) => deps.log.warn(`runs explorer: ${error.message}`);
  const data = new ExplorerData(source(), {
    onError: warn,
    ...(deps.placements ? { placements: deps.placements } : {}),
  });
  const flows = new WorkspaceFlows();
  const expandedRows = new ExpandedRows(context.workspaceState);
  // The tree tells the watcher after each read, so a running run that comes into view is polled.
  const tree: RunsTree = new RunsTree(
    data,
    () => flows.list(),
    expandedRows,
    () => live.checkPoll(),
  );
  const live = new LiveRuns(tree, deps.log);
  const view = vscode.window.createTreeView(RUNS_VIEW, { treeDataProvider: tree, showCollapseAll: true });
  const configure = () => {
    const next = source();
    data.configure(next);
    live.watch(next.root);
    const settings = readSettings();
    view.description = describeFilter(filter, settings.namespace);
    // The description is hidden when the view fills its container: the message is always seen.
    const problem = datastoreProblem(settings);
    view.message = problem ?? (isFiltered(filter) ? `Filtered: ${view.description}` : undefined);
    void vscode.commands.executeCommand("setContext", FILTERED_KEY, isFiltered(filter));
    tree.refreshAll();
  };
  const setFilter = (next: ExplorerFilter) => {
    filter = next;
    void context.workspaceState.update(FILTER_STATE, filter);
    configure();
  };
  registerCommands(context, [
    { id: ExplorerCommands.refresh, run: () => tree.refreshAll() },
    { id: ExplorerCommands.filter, run: () => pickFilter(filter).then((next) => next && setFilter(next)) },
    { id: ExplorerCommands.clearFilter, run: () => setFilter({}) },
    ...nodeCommands({
      data,
      tree,
      cli: context.asAbsolutePath("dist/cli.js"),
      reveal: (node) => view.reveal(node, { select: true, focus: true }),
      ...deps,
    }),
  ]);
  context.subscriptions.push(
    view,
    tree,
    live,
    flows,
    flows.onDidChange(() => tree.refreshAll()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (
        ["datastoreRoot", "s3EndpointUrl", "namespace"].some((name) => event.affectsConfiguration(`tsflow.${name}`))
      ) {
        configure();
      }
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(configure),
    view.onDidChangeVisibility(({ visible }) => live.visible(visible)),
    view.onDidExpandElement(({ element }) => expandedRows.expanded(element.key)),
    view.onDidCollapseElement(({ element }) => expandedRows.collapsed(element.key)),
  );
  live.visible(view.visible);
  if (deps.runChanged) context.subscriptions.push(deps.runChanged((flow) => live.flowChanged(flow)));
  configure();
}
