import * as vscode from "vscode";
import { watchDatastore } from "../datastore-watcher";
import { errorMessage } from "../error-message";
import type { RunOverlay } from "./messages";
import { readRunOverlay, type LivePlacements } from "./run-overlay";

/** Where a preview's runs come from: read again whenever settings may have changed. */
export interface RunSource {
  /** The datastore root; undefined when there is none to read (an unsaved file outside a folder). */
  root: string | undefined;
  flow: string;
  namespace: string | null;
  /** The id of a run the user chose to see; undefined for the latest. */
  chosen?: string;
  /** The flow's file, absolute: the latest run is the latest started from it. */
  flowFile?: string;
  /** Where the remote tasks of runs launched from the editor stand now. */
  live?: LivePlacements;
}

/** Run records are written in quick bursts as tasks finish: one read per burst is enough. */
const DEBOUNCE_MS = 150;
/** While a run shows as running, it is read this often even without a file event. */
const POLL_MS = 1000;
/** While the panel is visible, the run is read this often even without a file event. */
const GLANCE_MS = 2000;

/**
 * The latest run of one flow (or the one chosen), kept current: read at start, again when a run
 * record or folder of the flow changes (debounced), every second while the run shows as running,
 * and every two seconds while the panel is visible: a watcher can miss events (network drives, a
 * datastore outside the workspace, a folder deleted at once). `publish` hears only of changes.
 */
export class RunFeed implements vscode.Disposable {
  private watcher: vscode.FileSystemWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private glance: NodeJS.Timeout | undefined;
  private reading = false;
  private readAgain = false;
  private last = "";
  private disposed = false;

  constructor(
    private readonly source: () => RunSource,
    private readonly publish: (run: RunOverlay | null, namespace: string | null) => void,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.restart();
  }

  /** Watches and reads afresh: after a settings change, or when the panel is restored. */
  restart(): void {
    this.watcher?.dispose();
    const { root, flow } = this.source();
    // The watcher adds the run folders and the flow's own: a deleted folder is reported alone.
    const globs = [`flows/${flow}/runs/*/run.json`];
    this.watcher = root === undefined ? undefined : watchDatastore(root, globs);
    const changed = () => this.schedule(DEBOUNCE_MS);
    this.watcher?.onDidCreate(changed);
    this.watcher?.onDidChange(changed);
    this.watcher?.onDidDelete(changed);
    this.last = "";
    this.schedule(0);
  }

  /**
   * Reads again now. A watcher starts asynchronously and can miss the first records of a run that
   * starts at once, so the panel also asks whenever it is shown again.
   */
  refresh(): void {
    this.schedule(0);
  }

  /** Glances at the run every two seconds while the panel shows, and not while it is hidden. */
  visible(visible: boolean): void {
    clearInterval(this.glance);
    this.glance = visible && !this.disposed ? setInterval(() => this.schedule(0), GLANCE_MS) : undefined;
  }

  private schedule(delay: number): void {
    if (this.disposed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.read(), delay);
  }

  private async read(): Promise<void> {
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = true;
    let running = false;
    try {
      const { root, flow, namespace, chosen, flowFile, live } = this.source();
      const warn = (e: Error) => this.warn(e);
      const run =
        root === undefined ? null : await readRunOverlay(root, flow, namespace, warn, Date.now, chosen, flowFile, live);
      running = run?.status === "running";
      const key = JSON.stringify([run, namespace]);
      if (key !== this.last && !this.disposed) {
        this.last = key;
        this.publish(run, namespace);
      }
    } catch (error) {
      this.warn(error);
    } finally {
      this.reading = false;
    }
    if (this.readAgain) {
      this.readAgain = false;
      this.schedule(0);
    } else if (running) {
      this.schedule(POLL_MS);
    }
  }

  private warn(error: unknown): void {
    this.log.warn(`DAG preview: reading runs: ${errorMessage(error)}`);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    clearInterval(this.glance);
    this.watcher?.dispose();
  }
}
