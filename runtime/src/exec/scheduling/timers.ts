/**
 * The scheduler's clock: @timeout and the wait between retries. Real time in a run; tests give a
 * faster one, so a timeout of seconds is tested in milliseconds.
 */
export interface Timers {
  /** Calls `fn` after `ms`; the returned function cancels it. */
  after(ms: number, fn: () => void): () => void;
}

export const realTimers: Timers = {
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};
