import {
  appendFileSync,
  closeSync,
  fstatSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";

/**
 * The bottom layer: bytes under '/'-separated keys. Writes are atomic (a reader sees the old value
 * or the new one, never a part), which an object store gives by nature and the file system by
 * writing a temp file and renaming it. Nothing above this layer touches paths.
 */
export interface Storage {
  /**
   * The value under `key`, or undefined when there is none. With `see`, the value is read in
   * chunks into one buffer and each chunk is passed to `see` as it arrives, so a caller can hash
   * what it reads while the bytes are still in the CPU's cache.
   */
  read(key: string, see?: (chunk: Uint8Array) => void): Buffer | undefined;
  /** Passes the value under `key` to `see` chunk by chunk, keeping none of it; false when there is none. */
  scan(key: string, see: (chunk: Uint8Array) => void): boolean;
  /** Replaces the value under `key` atomically. */
  write(key: string, data: Uint8Array | string): void;
  /** Writes `key` only when it does not exist yet, atomically; true when this call wrote it. */
  create(key: string, data: Uint8Array | string): boolean;
  exists(key: string): boolean;
  /** The names directly under a prefix ("a/b" → ["c", "d"]), sorted; [] when there are none. */
  list(prefix: string): string[];
  /** Appends to a growing value (logs); readers may see any prefix of what was appended. */
  append(key: string, data: Uint8Array | string): void;
  size(key: string): number | undefined;
  /** Removes a key (or a whole prefix); absent keys are fine. */
  remove(key: string): void;
  /** Where the data lives, for messages. */
  describe(key: string): string;
  /**
   * Moves the value under `from` to `to` (replacing what is there), for setting damaged data aside;
   * false when there is nothing under `from`.
   */
  move(from: string, to: string): boolean;
  /** Names under a prefix that writers left half-written (a temp file of a killed process), sorted. */
  leftovers(prefix: string): string[];
}

/** Bytes read at a time when a reader looks at each chunk: small enough to stay in the CPU's cache. */
const CHUNK = 1024 * 1024;

/** The local file system backend, rooted at the datastore directory. */
export class FsStorage implements Storage {
  private readonly madeDirs = new Set<string>();
  private tempCounter = 0;

  constructor(readonly root: string) {}

  private path(key: string): string {
    if (key.split("/").some((part) => part === ".." || part === "")) throw new Error(`invalid datastore key '${key}'`);
    return join(this.root, ...key.split("/"));
  }

  read(key: string, see?: (chunk: Uint8Array) => void): Buffer | undefined {
    try {
      return see ? this.readChunks(key, see, true) : readFileSync(this.path(key));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  scan(key: string, see: (chunk: Uint8Array) => void): boolean {
    try {
      this.readChunks(key, see, false);
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  /** Reads a file chunk by chunk into one buffer of its size (`keep`) or into one chunk reused. */
  private readChunks(key: string, see: (chunk: Uint8Array) => void, keep: boolean): Buffer {
    const fd = openSync(this.path(key), "r");
    try {
      const size = fstatSync(fd).size;
      const buffer = Buffer.allocUnsafe(keep ? size : Math.min(size, CHUNK));
      let offset = 0;
      for (;;) {
        const at = keep ? offset : 0;
        // Past the stat'ed size only when a writer appends meanwhile: that is not this file's data.
        const length = Math.min(CHUNK, keep ? size - offset : buffer.length);
        const read = length > 0 ? readSync(fd, buffer, at, length, offset) : 0;
        if (read === 0) break;
        see(buffer.subarray(at, at + read));
        offset += read;
      }
      return keep ? buffer.subarray(0, offset) : buffer.subarray(0, 0);
    } finally {
      closeSync(fd);
    }
  }

  write(key: string, data: Uint8Array | string): void {
    const path = this.path(key);
    this.ensureDir(dirname(path));
    const temp = `${path}.${process.pid}.${++this.tempCounter}.tmp`;
    writeFileSync(temp, data);
    renameSync(temp, path);
  }

  create(key: string, data: Uint8Array | string): boolean {
    const path = this.path(key);
    this.ensureDir(dirname(path));
    const temp = `${path}.${process.pid}.${++this.tempCounter}.tmp`;
    writeFileSync(temp, data);
    try {
      // link() fails when the target exists: a complete file appears at most once.
      linkSync(temp, path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw error;
    } finally {
      unlinkSync(temp);
    }
  }

  exists(key: string): boolean {
    try {
      statSync(this.path(key));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  list(prefix: string): string[] {
    return this.names(prefix).filter((name) => !name.endsWith(".tmp"));
  }

  append(key: string, data: Uint8Array | string): void {
    const path = this.path(key);
    this.ensureDir(dirname(path));
    appendFileSync(path, data);
  }

  size(key: string): number | undefined {
    try {
      return statSync(this.path(key)).size;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  describe(key: string): string {
    return this.path(key);
  }

  move(from: string, to: string): boolean {
    const target = this.path(to);
    this.ensureDir(dirname(target));
    try {
      renameSync(this.path(from), target);
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  leftovers(prefix: string): string[] {
    return this.names(prefix).filter((name) => name.endsWith(".tmp"));
  }

  /** Every name directly under a prefix, temp files included, sorted; [] when there are none. */
  private names(prefix: string): string[] {
    try {
      return readdirSync(prefix === "" ? this.root : this.path(prefix)).sort();
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
  }

  /** Removes a key or a whole prefix: a released lock, temp files of killed writers, test data. */
  remove(key: string): void {
    rmSync(this.path(key), { recursive: true, force: true });
  }

  private ensureDir(dir: string) {
    if (this.madeDirs.has(dir)) return;
    mkdirSync(dir, { recursive: true });
    this.madeDirs.add(dir);
  }
}

/** ENOTDIR: a file stands where a folder of the key should be (a foreign file), so the key is absent. */
function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}
