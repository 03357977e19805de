import { hostname } from "node:os";
import { DatastoreError } from "./errors";
import type { Storage } from "./storage";

/** A lock older than this was left by a process that died while holding it: held locks last milliseconds. */
const STALE_MS = 10_000;
/** How long a writer waits for a lock before saying who holds it. */
const WAIT_MS = 15_000;
const POLL_MS = 5;

interface Holder {
  pid: number;
  host: string;
  at: number;
}

/**
 * Runs `fn` while holding the lock `key`: a file that only one writer can create (Storage.create is
 * atomic), removed when `fn` returns. Read-modify-write of one record by several processes (the
 * scheduler saving progress, `tsflow tag`, a step's `current.addTags`) goes through it, so no
 * writer overwrites another's change. Synchronous, as the writes it guards are.
 */
export function withLock<T>(storage: Storage, key: string, fn: () => T): T {
  const me: Holder = { pid: process.pid, host: hostname(), at: Date.now() };
  const deadline = Date.now() + WAIT_MS;
  while (!storage.create(key, JSON.stringify({ ...me, at: Date.now() }))) {
    const holder = readHolder(storage, key);
    if (holder === "released") continue;
    if (holder === undefined || isStale(holder)) {
      storage.remove(key);
      continue;
    }
    if (Date.now() > deadline) {
      throw new DatastoreError(
        `locked by process ${holder.pid} on ${holder.host} for ${Math.round((Date.now() - holder.at) / 1000)} s: remove the file if no tsflow process is running`,
        storage.describe(key),
      );
    }
    sleep(POLL_MS);
  }
  try {
    return fn();
  } finally {
    storage.remove(key);
  }
}

function readHolder(storage: Storage, key: string): Holder | "released" | undefined {
  try {
    const bytes = storage.read(key);
    // Gone since create failed: the holder released it, so try again at once.
    if (!bytes) return "released";
    const value = JSON.parse(bytes.toString("utf8")) as Partial<Holder>;
    return typeof value.pid === "number" && typeof value.host === "string" && typeof value.at === "number"
      ? (value as Holder)
      : undefined;
  } catch {
    // Not what a writer leaves (locks are written whole): a foreign file, broken like a stale lock.
    return undefined;
  }
}

function isStale(holder: Holder): boolean {
  if (Date.now() - holder.at > STALE_MS) return true;
  return holder.host === hostname() && !alive(holder.pid);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

function sleep(ms: number): void {
  Atomics.wait(pause, 0, 0, ms);
}
