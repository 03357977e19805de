import assert from "node:assert/strict";
import { test } from "node:test";
import { readAhead } from "../../runtime/src/datastore/read-ahead";

/** A read whose results the test releases by hand, counting how many are under way. */
function gatedReads() {
  const waiting = new Map<number, () => void>();
  const stats = { started: [] as number[], inFlight: 0, most: 0 };
  const read = (n: number) =>
    new Promise<number>((resolve, reject) => {
      stats.started.push(n);
      stats.most = Math.max(stats.most, ++stats.inFlight);
      waiting.set(n, () => {
        stats.inFlight--;
        if (n === 13) reject(new Error("record 13 is damaged"));
        else resolve(n * 10);
      });
    });
  /** Releases every read started so far, once the generator has had a turn to start more. */
  const releaseAll = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    for (const [n, release] of waiting) {
      waiting.delete(n);
      release();
    }
  };
  return { read, stats, releaseAll };
}

test("reads run ahead of the caller up to the limit, results come in order, a failed read comes in its place", async () => {
  const items = Array.from({ length: 100 }, (_, i) => i);
  const { read, stats, releaseAll } = gatedReads();
  const timer = setInterval(() => void releaseAll(), 1);
  const seen: string[] = [];
  try {
    for await (const result of readAhead(items, read, 16)) {
      seen.push(result.ok ? String(result.value) : `${result.item}: ${(result.error as Error).message}`);
    }
  } finally {
    clearInterval(timer);
  }
  assert.deepEqual(
    seen,
    items.map((n) => (n === 13 ? "13: record 13 is damaged" : String(n * 10))),
  );
  assert.equal(stats.most, 16);
  assert.deepEqual(stats.started, items);
});

test("a caller that stops after the first result has started one read; one that stops early, a few", async () => {
  let started = 0;
  const read = (n: number) => {
    started++;
    return Promise.resolve(n);
  };
  for await (const first of readAhead([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18], read)) {
    assert.equal(first.ok && first.value, 1);
    break;
  }
  assert.equal(started, 1);
  started = 0;
  let taken = 0;
  const many = Array.from({ length: 1000 }, (_, i) => i);
  for await (const result of readAhead(many, read)) if (result.ok && ++taken === 3) break;
  // The window opened 1, 2, 4: at most 7 reads for 3 results, not 1,000.
  assert.ok(started <= 7, `started ${started}`);
});

test("an empty list reads nothing; a synchronous read that throws is a failed result, not a thrown error", async () => {
  const results: boolean[] = [];
  for await (const result of readAhead<number, number>([], () => 1)) results.push(result.ok);
  assert.deepEqual(results, []);
  const boom = (): number => {
    throw new Error("boom");
  };
  const failed: boolean[] = [];
  for await (const result of readAhead(["x"], boom)) failed.push(result.ok);
  assert.deepEqual(failed, [false]);
});
