import { relative, sep } from "node:path";
import * as vscode from "vscode";
import { watchDatastore } from "../datastore-watcher";
import { errorMessage } from "../error-message";
import { RECORD_GLOBS, recordChange, type RecordChange } from "./record-paths";
import type { RunsTree } from "./tree";

/** Records are written in bursts as tasks finish: one read per burst. */
const DEBOUNCE_MS = 200;
/** While a shown run is running, it is read this often even without a file event. */
const POLL_MS = 1000;
/** While the view is visible, a glance for new flows and runs this often: watchers can miss them. */
const GLANCE_MS = 2000;

/**
 * Keeps the tree following the datastore: a watcher on run and task records (debounced), and a
 * poll each second only while a shown run is running, since a watcher can miss events (network
 * drives, a datastore outside the workspace) and a dead scheduler writes nothing at all.
 */
export class LiveRuns implements vscode.Disposable {
  private watcher: vscode.FileSystemWatcher | undefined;
  private root: string | undefined;
  private readonly pending = new Map<string, RecordChange>();
  private readonly pendingFlows = new Set<string>();
  private debounce: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;
  private glance: NodeJS.Timeout | undefined;
  private busy: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(
    private readonly tree: RunsTree,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Watches the datastore at `root` from now on (after a settings change). */
  watch(root: string | undefined): void {
    this.watcher?.dispose();
    this.pending.clear();
    this.root = root;
    this.watcher = root === undefined ? undefined : watchDatastore(root, RECORD_GLOBS);
    const changed = (uri: vscode.Uri) => this.changed(uri);
    this.watcher?.onDidCreate(changed);
    this.watcher?.onDidChange(changed);
    this.watcher?.onDidDelete(changed);
  }

  /**
   * While the view is visible, glances at the datastore every two seconds for flows and runs that
   * no file event announced (a watcher may start late, drop events, or not reach the datastore).
   */
  visible(visible: boolean): void {
    clearInterval(this.glance);
    this.glance = undefined;
    if (visible && !this.disposed) {
      this.glance = setInterval(() => this.enqueue(() => this.tree.checkForNew()), GLANCE_MS);
    }
  }

  /** A run of `flow` launched from the editor changed: no need to wait for the watcher. */
  flowChanged(flow: string): void {
    this.pendingFlows.add(flow);
    this.schedule();
  }

  /** After the tree read something: poll if a shown run is running. */
  checkPoll(): void {
    if (this.disposed || this.poll || !this.tree.hasRunning()) return;
    this.poll = setTimeout(() => {
      this.poll = undefined;
      this.enqueue(() => this.tree.pollRunning());
    }, POLL_MS);
  }

  private changed(uri: vscode.Uri): void {
    if (this.root === undefined) return;
    const change = recordChange(relative(this.root, uri.fsPath).split(sep).join("/"));
    if (!change) return;
    this.pending.set(`${change.flow ?? "*"}/${change.run ?? "*"}`, change);
    this.schedule();
  }

  private schedule(): void {
    if (this.disposed) return;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      const changes = [...this.pending.values()];
      const flows = [...this.pendingFlows];
      this.pending.clear();
      this.pendingFlows.clear();
      flows.forEach((flow) => this.tree.refreshFlow(flow));
      this.enqueue(() => this.tree.apply(changes));
    }, DEBOUNCE_MS);
  }

  /** One update at a time, each followed by a check whether to keep polling. */
  private enqueue(update: () => Promise<void>): void {
    this.busy = this.busy
      .then(update)
      .catch((error: unknown) => this.log.warn(`runs explorer: ${errorMessage(error)}`))
      .then(() => this.checkPoll());
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.debounce);
    clearTimeout(this.poll);
    clearInterval(this.glance);
    this.watcher?.dispose();
  }
}
