import { createHash } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { claim, linkIfAbsent, tempPathFor } from "./fs-claim";
import type { Storage } from "./storage-api";

/** Bytes read at a time when a reader looks at each chunk: small enough to stay in the CPU's cache. */
const CHUNK = 1024 * 1024;

/**
 * The local file system backend, rooted at the datastore folder. Writes go to a temp file renamed
 * into place; `create` links the temp file to its key, which fails when the key exists; `replace`
 * holds `KEY.lock` (claimed the same way) while it compares and writes.
 */
export class FsStorage implements Storage {
  private readonly madeDirs = new Set<string>();
  /** Per key, the last append made: the next one starts after it, so appends land in order. */
  private readonly appends = new Map<string, Promise<void>>();
  private appendError: Error | undefined;

  constructor(readonly root: string) {}

  private path(key: string): string {
    if (key.split("/").some((part) => part === ".." || part === "")) throw new Error(`invalid datastore key '${key}'`);
    return join(this.root, ...key.split("/"));
  }

  async read(key: string, see?: (chunk: Uint8Array) => void): Promise<Buffer | undefined> {
    return absentAsUndefined(() => (see ? this.readChunks(key, see, true) : readFile(this.path(key))));
  }

  async scan(key: string, see: (chunk: Uint8Array) => void): Promise<boolean> {
    return (await absentAsUndefined(() => this.readChunks(key, see, false))) !== undefined;
  }

  /**
   * Reads a file chunk by chunk into one buffer of its size (`keep`) or into two chunks used in
   * turn. The next chunk's read is under way while `see` looks at this one: hashing a 100 MiB value
   * after each read, one after the other, made reading it half as slow again as reading alone.
   */
  private async readChunks(key: string, see: (chunk: Uint8Array) => void, keep: boolean): Promise<Buffer> {
    const file = await open(this.path(key), "r");
    try {
      const size = (await file.stat()).size;
      const buffer = Buffer.allocUnsafe(keep ? size : Math.min(size, CHUNK) * 2);
      const half = buffer.length / 2;
      // Past the stat'ed size only when a writer appends meanwhile: that is not this file's data.
      const readAt = async (offset: number, turn: number): Promise<Uint8Array> => {
        const at = keep ? offset : (turn % 2) * half;
        const length = Math.min(CHUNK, keep ? size - offset : half);
        const { bytesRead } = length > 0 ? await file.read(buffer, at, length, offset) : { bytesRead: 0 };
        return buffer.subarray(at, at + bytesRead);
      };
      let offset = 0;
      let next = readAt(0, 0);
      for (let turn = 1; ; turn++) {
        const chunk = await next;
        if (chunk.length === 0) break;
        offset += chunk.length;
        next = readAt(offset, turn);
        // A failed see leaves the read under way to be awaited, so no rejection goes unhandled.
        try {
          see(chunk);
        } catch (error) {
          await next.catch(() => undefined);
          throw error;
        }
      }
      return keep ? buffer.subarray(0, offset) : buffer.subarray(0, 0);
    } finally {
      await file.close();
    }
  }

  async size(key: string): Promise<number | undefined> {
    return absentAsUndefined(async () => (await stat(this.path(key))).size);
  }

  async write(key: string, data: Uint8Array | string): Promise<void> {
    const path = this.path(key);
    const temp = await this.writeTemp(path, data);
    await rename(temp, path);
  }

  async create(key: string, data: Uint8Array | string): Promise<boolean> {
    const path = this.path(key);
    return linkIfAbsent(await this.writeTemp(path, data), path);
  }

  /** The version of a file is the SHA-256 of its bytes: records are small, and no clock is trusted. */
  async readVersioned(key: string): Promise<{ bytes: Buffer; version: string } | undefined> {
    const bytes = await this.read(key);
    return bytes && { bytes, version: versionOf(bytes) };
  }

  async replace(key: string, data: Uint8Array | string, version: string): Promise<boolean> {
    const path = this.path(key);
    await this.ensureDir(dirname(path));
    // Every replace of a key holds its claim while it compares and writes, across processes.
    return claim(`${path}.lock`, async () => {
      const current = await this.read(key);
      if (!current || versionOf(current) !== version) return false;
      await this.write(key, data);
      return true;
    });
  }

  async list(prefix: string): Promise<string[]> {
    return (await this.names(prefix)).filter((name) => !name.endsWith(".tmp") && !name.endsWith(".lock"));
  }

  append(key: string, data: Uint8Array | string): Promise<void> {
    const path = this.path(key);
    const previous = this.appends.get(key) ?? Promise.resolve();
    const appended = previous.then(async () => {
      await this.ensureDir(dirname(path));
      await writeFile(path, data, { flag: "a" });
    });
    // The chain goes on after a failed append; flush reports the failure.
    const settled = appended.catch((error: unknown) => {
      this.appendError ??= asError(error);
    });
    this.appends.set(key, settled);
    void settled.then(() => {
      if (this.appends.get(key) === settled) this.appends.delete(key);
    });
    return appended;
  }

  async flush(): Promise<void> {
    await Promise.all(this.appends.values());
    const error = this.appendError;
    this.appendError = undefined;
    if (error) throw error;
  }

  /** Removes a key or a whole prefix: temp files of killed writers, test data. */
  async remove(key: string): Promise<void> {
    await rm(this.path(key), { recursive: true, force: true });
    this.madeDirs.clear();
  }

  async move(from: string, to: string): Promise<boolean> {
    const target = this.path(to);
    await this.ensureDir(dirname(target));
    return (await absentAsUndefined(() => rename(this.path(from), target).then(() => true))) ?? false;
  }

  async leftovers(prefix: string): Promise<string[]> {
    return (await this.names(prefix)).filter((name) => name.endsWith(".tmp"));
  }

  describe(key: string): string {
    return this.path(key);
  }

  async close(): Promise<void> {
    await this.flush();
  }

  /** Every name directly under a prefix, temp files included, sorted; [] when there are none. */
  private async names(prefix: string): Promise<string[]> {
    const names = await absentAsUndefined(() => readdir(prefix === "" ? this.root : this.path(prefix)));
    return (names ?? []).sort();
  }

  /** Writes `data` to a temp file beside `path` (its folder made first), named so no writer shares it. */
  private async writeTemp(path: string, data: Uint8Array | string): Promise<string> {
    await this.ensureDir(dirname(path));
    const temp = tempPathFor(path);
    await writeWhole(temp, typeof data === "string" ? Buffer.from(data) : data);
    return temp;
  }

  private async ensureDir(dir: string): Promise<void> {
    if (this.madeDirs.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.madeDirs.add(dir);
  }
}

function versionOf(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * Runs a file-system call; undefined when the file is absent. ENOTDIR: a file stands where a
 * folder of the key should be (a foreign file), so the key is absent too.
 */
async function absentAsUndefined<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw error;
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Writes `bytes` to a new file with as few write calls as the OS allows: `writeFile` from
 * fs/promises sends a big value in 512 KiB chunks, each a trip through the thread pool, which made
 * storing a 100 MiB value several times slower than one write.
 */
async function writeWhole(path: string, bytes: Uint8Array): Promise<void> {
  const file = await open(path, "w");
  try {
    for (let offset = 0; offset < bytes.length;) {
      const { bytesWritten } = await file.write(bytes, offset, bytes.length - offset);
      offset += bytesWritten;
    }
  } finally {
    await file.close();
  }
}
