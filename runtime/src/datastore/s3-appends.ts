/** Whole values by key: what appends rewrite, since an object store cannot append to an object. */
export interface WholeValues {
  read(key: string): Promise<Buffer | undefined>;
  write(key: string, bytes: Uint8Array): Promise<void>;
}

/** One appended key: the value as last written (or read), what was appended since, the write in flight. */
interface Appended {
  written: Buffer | undefined;
  since: Buffer[];
  writing: Promise<void>;
}

/** How often buffered appends are written at most, by default: a log on S3 lags its task by about this much. */
export const APPEND_EVERY_MS = 1_000;

/**
 * Appends (logs) on a store that cannot append: each key's value is kept in memory and the whole
 * object rewritten at most every `everyMs` and on `flush`. The first rewrite of a key reads what is
 * stored there already, so appends continue a value another process left (one appender at a time:
 * two processes appending to one key would each write their own). Rewrites of a key are chained,
 * so appends land in the order they were made. A rewrite that fails is tried again on the next
 * round and its error is thrown by the next `flush`.
 */
export class BufferedAppends {
  private readonly values = new Map<string, Appended>();
  private timer: NodeJS.Timeout | undefined;
  private failure: Error | undefined;

  constructor(
    private readonly store: WholeValues,
    private readonly everyMs = APPEND_EVERY_MS,
  ) {}

  /** Buffers `data` at the end of `key`'s value; written within `everyMs`, or by `flush`. */
  append(key: string, data: Uint8Array | string): void {
    let value = this.values.get(key);
    if (value === undefined) {
      value = { written: undefined, since: [], writing: Promise.resolve() };
      this.values.set(key, value);
    }
    // A copy: the caller may reuse its buffer once append returns, as it may on a file system.
    value.since.push(Buffer.from(data));
    // The timer must not keep a finished process alive: flush (or close) writes what is left.
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.writeAll();
    }, this.everyMs).unref();
  }

  /**
   * Writes every buffered append and waits for it; throws the first failed rewrite since the last
   * flush. Values written whole are then let go, so a long-lived worker does not keep every log it
   * wrote; a later append to one of them reads it back first.
   */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.writeAll();
    for (const [key, value] of this.values) if (value.since.length === 0) this.values.delete(key);
    const failure = this.failure;
    this.failure = undefined;
    if (failure !== undefined) throw failure;
  }

  /**
   * Drops what is buffered for `key` and every key under `folder` (their values are being removed),
   * after any write of theirs in flight: nothing appended before a remove comes back after it.
   */
  async forget(key: string, folder: string): Promise<void> {
    const gone = [...this.values].filter(([name]) => name === key || name.startsWith(folder));
    await Promise.all(gone.map(([, value]) => value.writing));
    for (const [name, value] of gone) if (this.values.get(name) === value) this.values.delete(name);
  }

  /** Starts a rewrite of every key with appends since its last write, and waits for all writes in flight. */
  private async writeAll(): Promise<void> {
    for (const [key, value] of this.values) {
      if (value.since.length > 0) value.writing = value.writing.then(() => this.rewrite(key, value));
    }
    await Promise.all([...this.values.values()].map((value) => value.writing));
  }

  /** Writes `key`'s whole value with what was appended since; on failure, keeps the appends for the next round. */
  private async rewrite(key: string, value: Appended): Promise<void> {
    const since = value.since;
    if (since.length === 0) return;
    value.since = [];
    try {
      const before = value.written ?? (await this.store.read(key));
      const whole = before === undefined ? Buffer.concat(since) : Buffer.concat([before, ...since]);
      await this.store.write(key, whole);
      value.written = whole;
    } catch (error) {
      value.since = [...since, ...value.since];
      this.failure ??= error instanceof Error ? error : new Error("an appended value could not be written");
    }
  }
}
