import { relative, sep } from "node:path";
import * as vscode from "vscode";
import { watchDatastore } from "../datastore-watcher";
import { errorMessage } from "../error-message";
import { isLocalRoot } from "../readers";
import { Poller, type PollState } from "./poller";
import { RECORD_GLOBS, recordChange, type RecordChange } from "./record-paths";
import type { RunsTree } from "./tree";

/** Records are written in bursts as tasks finish: one read per burst. */
const DEBOUNCE_MS = 200;

/**
 * Keeps the tree following the datastore: a watcher on a local folder's run and task records
 * (debounced), and, while the view is visible, polls (./poller.ts): of the running runs shown, and
 * a glance for flows and runs no file event announced (a watcher may start late, drop events, or
 * not reach the datastore; a dead scheduler writes nothing at all; a bucket has no watcher, so
 * polls are all it has). A bucket that cannot be read is said once, as the tree's one row.
 */
export class LiveRuns implements vscode.Disposable {
  private watcher: vscode.FileSystemWatcher | undefined;
  private root: string | undefined;
  private readonly pending = new Map<string, RecordChange>();
  private readonly pendingFlows = new Set<string>();
  private debounce: NodeJS.Timeout | undefined;
  private busy: Promise<void> = Promise.resolve();
  private disposed = false;
  private shown = false;
  /** Whether the last poll failed: the tree says why once, and says so again only after a success. */
  private failing = false;
  private readonly poller: Poller;

  constructor(
    private readonly tree: RunsTree,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.poller = new Poller(
      () => this.enqueue(() => this.pollOnce()),
      () => this.pollState(),
    );
  }

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
    this.failing = false;
    this.poller.update();
  }

  /** The view was shown or hidden: a hidden view is not polled. */
  visible(visible: boolean): void {
    this.shown = visible;
    this.poller.update();
  }

  /** A run of `flow` launched from the editor changed: no need to wait for the watcher. */
  flowChanged(flow: string): void {
    this.pendingFlows.add(flow);
    this.schedule();
  }

  /** After the tree read something: a running run may have come into view, or every run ended. */
  checkPoll(): void {
    this.poller.update();
  }

  private pollState(): PollState {
    const datastore = this.root === undefined ? "none" : isLocalRoot(this.root) ? "local" : "bucket";
    return { visible: this.shown, datastore, running: this.tree.hasRunning(), failing: this.failing };
  }

  /**
   * One poll: the running runs shown read again, then a glance for what is new. The first failure
   * reads the tree again, whose root then says what is wrong in one row; later ones stay quiet
   * until a poll succeeds, which reads the tree again.
   */
  private async pollOnce(): Promise<void> {
    try {
      if (this.tree.hasRunning()) await this.tree.pollRunning();
      await this.tree.checkForNew();
    } catch (error) {
      if (this.failing) return;
      this.failing = true;
      this.log.warn(`runs explorer: ${errorMessage(error)}`);
      return this.tree.refreshAll();
    }
    if (this.failing) {
      this.failing = false;
      this.tree.refreshAll();
    }
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
      void this.enqueue(() => this.tree.apply(changes)).then(() => this.checkPoll());
    }, DEBOUNCE_MS);
  }

  /** One update at a time (a watcher's burst or a poll); settles when this one is done. */
  private enqueue(update: () => Promise<void>): Promise<void> {
    this.busy = this.busy
      .then(update)
      .catch((error: unknown) => this.log.warn(`runs explorer: ${errorMessage(error)}`));
    return this.busy;
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.debounce);
    this.poller.dispose();
    this.watcher?.dispose();
  }
}
