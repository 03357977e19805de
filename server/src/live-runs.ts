import type { DatastoreLocation } from "../../runtime/src/config";
import type { LatestRun, RunStatusReader } from "./run-status";

/** How often a run that is shown as running is read again, to move its lenses along. */
const LIVE_POLL_MS = 1000;
/**
 * How often a flow whose latest run has ended is read again, for a newer run, when the client
 * cannot tell us of new run records (see `filesWatched`): one record read per open flow.
 */
const IDLE_POLL_MS = 3000;
/** A run record changed on disk: listeners hear of it this long after, once per burst of writes. */
const RECORDS_SETTLE_MS = 300;

interface Watched {
  root: DatastoreLocation;
  flow: string;
  /** The document that shows it: a class of one name in two files is two flows. */
  uri: string;
  /** What was shown, as one comparable string. */
  seen: string;
  running: boolean;
  /** When to read it again. */
  due: number;
}

/**
 * Tells the server's features when what they show of runs is out of date, wherever the runs were
 * started: a run record changed on disk (the client's file watcher), or a shown run moved on (a
 * poll). While a flow shown is running, its latest run is read again every second; when the client
 * cannot watch files, every flow shown is also read every few seconds, for runs started elsewhere
 * (a terminal). Nothing is polled when nothing needs it, and a poll never keeps the server alive.
 */
export class LiveRuns {
  private readonly watched = new Map<string, Watched>();
  private readonly listeners: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private settling: NodeJS.Timeout | undefined;
  private watching = false;

  constructor(
    private readonly statuses: Pick<RunStatusReader, "latest" | "invalidate">,
    private readonly now: () => number = Date.now,
  ) {}

  /** Calls `listener` whenever a run shown may have changed (after the reader has forgotten it). */
  onChanged(listener: () => void): void {
    this.listeners.push(listener);
  }

  /**
   * The client reports changes to run records: flows whose run has ended need no poll, unless
   * their datastore is a bucket, which no file watcher sees.
   */
  filesWatched(): void {
    this.watching = true;
    for (const [key, watched] of this.watched)
      if (!watched.running && this.watches(watched.root)) this.watched.delete(key);
  }

  /** `run` is now shown in `uri` as the latest of `flow` (undefined: none yet): watch it as it needs. */
  shown(root: DatastoreLocation, flow: string, run: LatestRun | undefined, uri: string): void {
    const key = `${JSON.stringify(root)}\0${flow}\0${uri}`;
    const running = run?.status === "running";
    if (!running && this.watches(root)) {
      this.watched.delete(key);
      return;
    }
    const due = this.now() + (running ? LIVE_POLL_MS : IDLE_POLL_MS);
    const earlier = this.watched.get(key)?.due ?? due;
    this.watched.set(key, { root, flow, uri, seen: fingerprint(run), running, due: Math.min(due, earlier) });
    this.schedule();
  }

  /** A run record changed on disk: listeners hear of it once the burst of writes settles. */
  recordsChanged(): void {
    this.settling ??= setTimeout(() => {
      this.settling = undefined;
      this.changed();
    }, RECORDS_SETTLE_MS).unref();
  }

  /** Whether the client's file watcher tells of new runs in `root`: only of a local folder. */
  private watches(root: DatastoreLocation): boolean {
    return this.watching && root.kind === "local";
  }

  private schedule() {
    if (this.watched.size > 0) this.timer ??= setTimeout(() => void this.poll(), LIVE_POLL_MS).unref();
  }

  private async poll() {
    this.timer = undefined;
    let moved = false;
    for (const [key, watched] of this.watched) {
      if (watched.due > this.now()) continue;
      const run = await this.statuses.latest(watched.root, watched.flow, watched.uri);
      if (fingerprint(run) === watched.seen) {
        watched.due = this.now() + (run?.status === "running" ? LIVE_POLL_MS : IDLE_POLL_MS);
        continue;
      }
      // The features read it again when told, and show it again: it is watched again then.
      this.watched.delete(key);
      moved = true;
    }
    if (moved) this.changed();
    this.schedule();
  }

  private changed() {
    this.statuses.invalidate();
    for (const listener of this.listeners) listener();
  }
}

/** What is shown of a run, as one comparable string. */
function fingerprint(run: LatestRun | undefined): string {
  return run === undefined ? "" : JSON.stringify([run.pathspec, run.status, run.steps]);
}
