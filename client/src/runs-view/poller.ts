/**
 * When the runs explorer reads the datastore again without being asked: the plan (`pollInterval`)
 * and the one timer that carries it out (`Poller`). No `vscode` here, and the clock is injected, so
 * the unit tests drive it without waiting.
 */

/**
 * How often the explorer looks again while it is visible, in milliseconds. A local folder is
 * watched, so its polls only catch what a watcher misses, and cost a folder listing: often. A
 * bucket has no watcher: a poll is how anything new is seen, and each costs requests (a listing
 * per expanded flow and a GET per running run), so it is brisk while a run is going and slow when
 * none is (the Refresh button reads at once).
 */
export const POLL_MS = {
  /** A local datastore with a shown run running: the run's duration and steps move. */
  localRunning: 1000,
  /** A local datastore, nothing running: a glance for runs the watcher missed. */
  localIdle: 2000,
  /** A bucket with a shown run running. */
  bucketRunning: 2000,
  /** A bucket, nothing running, or a bucket that failed the last poll (not hammered while down). */
  bucketIdle: 15000,
} as const;

/** What decides the next poll. */
export interface PollState {
  /** Whether the view is on screen: a hidden view is not polled at all. */
  visible: boolean;
  /** Which datastore: none (no folder open), a local folder or a bucket. */
  datastore: "none" | "local" | "bucket";
  /** Whether a run shown is running. */
  running: boolean;
  /** Whether the last poll failed (an unreachable or misconfigured bucket). */
  failing: boolean;
}

/** Milliseconds until the next poll in `state`; undefined: no poll. */
export function pollInterval(state: PollState): number | undefined {
  if (!state.visible || state.datastore === "none") return undefined;
  if (state.datastore === "local") return state.running ? POLL_MS.localRunning : POLL_MS.localIdle;
  return state.running && !state.failing ? POLL_MS.bucketRunning : POLL_MS.bucketIdle;
}

/** The clock a Poller waits on: the real one, or a test's. */
export interface PollClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: PollClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Runs `tick` again and again, `pollInterval(state())` after the end of the last one (or after the
 * poller started), one at a time: a slow bucket never gets two polls at once. `update()` re-plans
 * after the state changed; a shorter interval brings the next poll forward, and a poll is never
 * postponed by an update, so the tree's reads (which update after each) cannot starve it.
 */
export class Poller {
  private handle: unknown;
  /** When the scheduled poll is due; undefined when none is scheduled. */
  private due: number | undefined;
  /** When the last poll ended (or the poller began): intervals count from there. */
  private since: number;
  private ticking = false;
  private disposed = false;

  constructor(
    private readonly tick: () => Promise<void>,
    private readonly state: () => PollState,
    private readonly clock: PollClock = realClock,
    /** Hears of a poll that failed; the polls go on. */
    private readonly onError: (error: unknown) => void = () => {},
  ) {
    this.since = clock.now();
  }

  /** Plans the next poll from the state now. */
  update(): void {
    if (this.disposed || this.ticking) return;
    const interval = pollInterval(this.state());
    if (interval === undefined) return this.cancel();
    const due = Math.max(this.since + interval, this.clock.now());
    if (this.due !== undefined && this.due <= due) return;
    this.cancel();
    this.due = due;
    this.handle = this.clock.setTimeout(() => void this.run(), due - this.clock.now());
  }

  dispose(): void {
    this.disposed = true;
    this.cancel();
  }

  private async run(): Promise<void> {
    this.due = undefined;
    this.handle = undefined;
    this.ticking = true;
    try {
      await this.tick();
    } catch (error) {
      this.onError(error);
    } finally {
      this.ticking = false;
      this.since = this.clock.now();
      this.update();
    }
  }

  private cancel(): void {
    if (this.handle !== undefined) this.clock.clearTimeout(this.handle);
    this.handle = undefined;
    this.due = undefined;
  }
}
