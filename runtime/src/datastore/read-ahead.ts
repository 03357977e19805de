/** Records read at once at most while listing: on S3 each is a GET, and 1,000 in a row would be slow. */
export const READ_AHEAD = 16;

/** One item's read, settled: its value, or what it threw. */
export type Settled<T, R> = { item: T; ok: true; value: R } | { item: T; ok: false; error: unknown };

/**
 * Reads every item with `read`, yielding the results in the items' order while up to `limit`
 * reads are under way. The window opens gradually (1, 2, 4, ... `limit`), so a caller that stops
 * after the first result (the latest run) has started only one read. A read that fails is yielded
 * as such, in its place, so the caller decides whether to skip it; reads still under way when the
 * caller stops are left to finish and are dropped.
 */
export async function* readAhead<T, R>(
  items: readonly T[],
  read: (item: T) => R | Promise<R>,
  limit = READ_AHEAD,
): AsyncGenerator<Settled<T, R>, void, undefined> {
  const pending: Array<Promise<Settled<T, R>>> = [];
  let next = 0;
  let window = 1;
  for (;;) {
    while (next < items.length && pending.length < window) pending.push(settle(items[next++], read));
    const first = pending.shift();
    if (first === undefined) return;
    const settled = await first;
    window = Math.min(limit, window * 2);
    yield settled;
  }
}

/** Never rejects: a read dropped when the caller stops cannot become an unhandled rejection. */
function settle<T, R>(item: T, read: (item: T) => R | Promise<R>): Promise<Settled<T, R>> {
  return Promise.resolve()
    .then(() => read(item))
    .then(
      (value): Settled<T, R> => ({ item, ok: true, value }),
      (error: unknown): Settled<T, R> => ({ item, ok: false, error }),
    );
}
