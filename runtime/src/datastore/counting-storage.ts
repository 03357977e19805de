import { appendFileSync } from "node:fs";
import type { Storage } from "./storage-api";

/** The Storage methods that reach the backend, each counted once per call. */
export type StorageOperation =
  | "read"
  | "scan"
  | "size"
  | "write"
  | "create"
  | "readVersioned"
  | "replace"
  | "list"
  | "append"
  | "flush"
  | "remove"
  | "move"
  | "leftovers";

export type StorageCounts = Partial<Record<StorageOperation, number>>;

/** The operations that put bytes into the store: on S3, each is a PUT (appends once flushed). */
export const WRITE_OPERATIONS: readonly StorageOperation[] = ["write", "create", "replace", "append"];

/**
 * A Storage that passes every call to `inner` and counts it by method into `counts`: what a run
 * asks of its datastore, the same figure on every backend (the bench's requests per task).
 */
export class CountingStorage implements Storage {
  constructor(
    private readonly inner: Storage,
    readonly counts: StorageCounts = {},
  ) {}

  get root(): string {
    return this.inner.root;
  }

  private count(operation: StorageOperation): void {
    this.counts[operation] = (this.counts[operation] ?? 0) + 1;
  }

  read(key: string, see?: (chunk: Uint8Array) => void): Promise<Buffer | undefined> {
    this.count("read");
    return this.inner.read(key, see);
  }
  scan(key: string, see: (chunk: Uint8Array) => void): Promise<boolean> {
    this.count("scan");
    return this.inner.scan(key, see);
  }
  size(key: string): Promise<number | undefined> {
    this.count("size");
    return this.inner.size(key);
  }
  write(key: string, data: Uint8Array | string): Promise<void> {
    this.count("write");
    return this.inner.write(key, data);
  }
  create(key: string, data: Uint8Array | string): Promise<boolean> {
    this.count("create");
    return this.inner.create(key, data);
  }
  readVersioned(key: string): Promise<{ bytes: Buffer; version: string } | undefined> {
    this.count("readVersioned");
    return this.inner.readVersioned(key);
  }
  replace(key: string, data: Uint8Array | string, version: string): Promise<boolean> {
    this.count("replace");
    return this.inner.replace(key, data, version);
  }
  list(prefix: string): Promise<string[]> {
    this.count("list");
    return this.inner.list(prefix);
  }
  append(key: string, data: Uint8Array | string): Promise<void> {
    this.count("append");
    return this.inner.append(key, data);
  }
  flush(): Promise<void> {
    this.count("flush");
    return this.inner.flush();
  }
  remove(key: string): Promise<void> {
    this.count("remove");
    return this.inner.remove(key);
  }
  move(from: string, to: string): Promise<boolean> {
    this.count("move");
    return this.inner.move(from, to);
  }
  leftovers(prefix: string): Promise<string[]> {
    this.count("leftovers");
    return this.inner.leftovers(prefix);
  }
  describe(key: string): string {
    return this.inner.describe(key);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** The counts of every storage this process opened while TSFLOW_STORAGE_COUNTS was set. */
let processCounts: StorageCounts | undefined;

/**
 * Wraps `storage` in a CountingStorage when the environment names a file in TSFLOW_STORAGE_COUNTS
 * (the bench sets it): every process of a run (the scheduler, each worker) adds one JSON line of
 * its counts to that file as it exits, so a run's requests can be summed across processes.
 */
export function countedWhenAsked(storage: Storage, env: NodeJS.ProcessEnv = process.env): Storage {
  const file = env.TSFLOW_STORAGE_COUNTS;
  if (!file) return storage;
  if (!processCounts) {
    const counts: StorageCounts = (processCounts = {});
    // Written once, as the process ends: no storage call waits on it.
    process.on("exit", () => appendFileSync(file, `${JSON.stringify({ pid: process.pid, counts })}\n`));
  }
  return new CountingStorage(storage, processCounts);
}

/**
 * Adds the counts so far to TSFLOW_STORAGE_COUNTS's file now, and starts again from zero: for a
 * thread that is ended with its process and so never sees it exit (a worker's blob reader).
 */
export function writeCountsSoFar(env: NodeJS.ProcessEnv = process.env): void {
  const file = env.TSFLOW_STORAGE_COUNTS;
  if (!file || !processCounts || Object.keys(processCounts).length === 0) return;
  appendFileSync(file, `${JSON.stringify({ pid: process.pid, counts: processCounts })}\n`);
  for (const operation of Object.keys(processCounts) as StorageOperation[]) delete processCounts[operation];
}

/** Sums the counts lines a run's processes wrote (countedWhenAsked's file). */
export function sumCounts(lines: string): StorageCounts {
  const total: StorageCounts = {};
  for (const line of lines.split("\n")) {
    if (!line.trim()) continue;
    const { counts } = JSON.parse(line) as { counts: StorageCounts };
    for (const [operation, n] of Object.entries(counts) as Array<[StorageOperation, number]>)
      total[operation] = (total[operation] ?? 0) + n;
  }
  return total;
}
