import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { BlobStore } from "../runtime/src/datastore/blobs";
import { FsStorage } from "../runtime/src/datastore/fs-storage";
import { median, type Figure } from "./report";

const MIB = 1024 * 1024;

/** Median milliseconds of `times` calls of `action`. */
async function timed(times: number, action: () => unknown): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await action();
    ms.push(performance.now() - started);
  }
  return median(ms);
}

/**
 * What checking values against their SHA-256 costs, beside the 100 MiB run: the check alone (the
 * hash of 100 MiB in memory), a blob read back with the check made while it is read, and storing a
 * value whose blob already exists (one read of that blob to see it is intact).
 */
export async function integrityFigures(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), "tsflow-bench-integrity-"));
  try {
    const blobs = new BlobStore(new FsStorage(dir));
    const bytes = randomBytes(100 * MIB);
    const hash = await blobs.put(bytes);
    const hashing = await timed(3, () => BlobStore.hash(bytes));
    const read = await timed(3, () => blobs.get(hash, bytes.length));
    // A fresh store each time: a store checks an existing blob once per process.
    const putAgain = await timed(3, () => new BlobStore(new FsStorage(dir)).put(bytes, hash));
    return [
      { name: "of that run: checking 100 MiB against its SHA-256 (hash alone)", value: hashing, unit: "ms" },
      { name: "reading a 100 MiB blob back, checked while it is read", value: read, unit: "ms" },
      { name: "storing 100 MiB whose blob exists (its hash checked, not rewritten)", value: putAgain, unit: "ms" },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
