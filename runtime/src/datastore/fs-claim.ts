import { link, readFile, unlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { setTimeout as delay } from "node:timers/promises";
import { DatastoreError } from "./errors";

/** A claim older than this was left by a process that died while holding it: claims last milliseconds. */
const STALE_MS = 10_000;
/** How long a writer waits for a claim before saying who holds it. */
const WAIT_MS = 15_000;
const POLL_MS = 5;

interface Holder {
  pid: number;
  host: string;
  at: number;
}

/** Numbers temp files: module-wide, as two storages of one root in one process must not share a name. */
let tempCounter = 0;

/** A temp file's name beside `path` that no other writer (process, or storage in this process) uses. */
export function tempPathFor(path: string): string {
  return `${path}.${process.pid}.${++tempCounter}.tmp`;
}

/**
 * Links the written temp file `temp` to `path` and removes the temp name: true when this call put
 * the file there, false when one was already there (link() fails on an existing target), so a
 * complete file appears at most once, whoever races for it.
 */
export async function linkIfAbsent(temp: string, path: string): Promise<boolean> {
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    await unlink(temp);
  }
}

/**
 * Runs `fn` while holding the claim file `path`: a file only one process can link into place,
 * removed when `fn` settles. FsStorage.replace compares and writes under it, so two processes'
 * compare-and-swaps of one file never interleave. A claim left by a dead process (on this host,
 * or older than STALE_MS anywhere) or a garbled one is broken rather than waited on.
 */
export async function claim<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await tryClaim(path))) {
    const holder = await readHolder(path);
    if (holder === "released") continue;
    if (holder === undefined || isStale(holder)) {
      await unlink(path).catch(() => undefined);
      continue;
    }
    if (Date.now() > deadline) {
      const seconds = Math.round((Date.now() - holder.at) / 1000);
      throw new DatastoreError(
        `locked by process ${holder.pid} on ${holder.host} for ${seconds} s: remove the file if no tsflow process is running`,
        path,
      );
    }
    await delay(POLL_MS);
  }
  try {
    return await fn();
  } finally {
    await unlink(path).catch(() => undefined);
  }
}

async function tryClaim(path: string): Promise<boolean> {
  const me: Holder = { pid: process.pid, host: hostname(), at: Date.now() };
  const temp = tempPathFor(path);
  await writeFile(temp, JSON.stringify(me));
  return linkIfAbsent(temp, path);
}

async function readHolder(path: string): Promise<Holder | "released" | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    // Gone since the link failed: the holder released it, so try again at once.
    return "released";
  }
  try {
    const value = JSON.parse(text) as Partial<Holder>;
    return typeof value.pid === "number" && typeof value.host === "string" && typeof value.at === "number"
      ? (value as Holder)
      : undefined;
  } catch {
    // Not what a writer leaves (claims are written whole): a foreign file, broken like a stale claim.
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
