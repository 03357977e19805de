/**
 * Reads reused for a short while, by key. The editor asks for lenses and diagnostics after each
 * burst of typing, for every open flow file; a second's reuse turns that into at most one small
 * read per flow per second, and a second-old status is as good as a fresh one to a reader.
 */
export class TimedCache<T> {
  private readonly entries = new Map<string, { at: number; value: Promise<T> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The value read for `key` less than the TTL ago, else `read()`'s, kept from now on. */
  get(key: string, read: () => Promise<T>): Promise<T> {
    const cached = this.entries.get(key);
    if (cached && this.now() - cached.at < this.ttlMs) return cached.value;
    // The promise is cached, so requests that arrive while a read is under way share it.
    const value = read();
    this.entries.set(key, { at: this.now(), value });
    return value;
  }

  /** Forgets every value: what they were read from changed. */
  clear(): void {
    this.entries.clear();
  }
}
