import { createHash } from "node:crypto";
import { DatastoreError } from "./errors";
import type { Storage } from "./storage-api";

/**
 * Content-addressed bytes: a value is stored once under its SHA-256, however many tasks and runs
 * carry it. Every read is checked against that hash, so a damaged blob is an error, never a wrong
 * value; storing a value whose blob is damaged writes it again.
 */
export class BlobStore {
  /** Blobs this process found intact when storing them again: checked once, not on every put. */
  private readonly intact = new Set<string>();

  constructor(private readonly storage: Storage) {}

  static hash(bytes: Uint8Array): string {
    return createHash("sha256").update(bytes).digest("hex");
  }

  static key(hash: string): string {
    return `blobs/${hash.slice(0, 2)}/${hash}`;
  }

  /**
   * Stores `bytes` under their hash (given when the caller already computed it). A blob that
   * exists costs a stat and, when its size is right, one read to check its hash (once per process):
   * a damaged blob, of the wrong size or the wrong bytes, is replaced, which heals the datastore.
   */
  async put(bytes: Uint8Array, hash = BlobStore.hash(bytes)): Promise<string> {
    const key = BlobStore.key(hash);
    const size = await this.storage.size(key);
    // A writer that creates it first, meanwhile, writes the same bytes.
    if (size === undefined) {
      await this.storage.create(key, bytes);
      return hash;
    }
    if (this.intact.has(hash)) return hash;
    if (size === bytes.length && (await this.problem(hash, bytes.length)) === undefined) {
      this.intact.add(hash);
      return hash;
    }
    await this.storage.write(key, bytes);
    return hash;
  }

  /**
   * The bytes of a blob, hashed while they are read and checked against the hash and the size
   * recorded when they were stored. `what` names the value for messages ("artifact 'x' of task F/1/s/2").
   */
  async get(hash: string, expectedSize: number, what?: string): Promise<Buffer> {
    const key = BlobStore.key(hash);
    const hasher = createHash("sha256");
    const bytes = await this.storage.read(key, (chunk) => hasher.update(chunk));
    return BlobStore.checked(hash, expectedSize, bytes && { bytes, digest: hasher.digest("hex") }, {
      what,
      where: this.storage.describe(key),
    });
  }

  /** `read`'s bytes of a blob (and their SHA-256), checked against its hash and size; a DatastoreError names `where`. */
  static checked(
    hash: string,
    expectedSize: number,
    read: { bytes: Buffer; digest: string } | undefined,
    names: { what?: string; where: string },
  ): Buffer {
    const error = (problem: string) =>
      new DatastoreError(`blob ${hash.slice(0, 12)} ${problem}${names.what ? ` (${names.what})` : ""}`, names.where);
    if (!read) throw error("is missing from the datastore");
    if (read.bytes.length !== expectedSize) throw error(sizeProblem(read.bytes.length, expectedSize));
    if (read.digest !== hash) throw error(HASH_PROBLEM);
    return read.bytes;
  }

  /**
   * What is wrong with a blob ("is missing...", "is damaged: ..."), or undefined when it is intact:
   * its size (when known) and its SHA-256, read without keeping it.
   */
  async problem(hash: string, expectedSize?: number): Promise<string | undefined> {
    const key = BlobStore.key(hash);
    const size = await this.storage.size(key);
    if (size === undefined) return "is missing from the datastore";
    if (expectedSize !== undefined && size !== expectedSize) return sizeProblem(size, expectedSize);
    const hasher = createHash("sha256");
    if (!(await this.storage.scan(key, (chunk) => hasher.update(chunk)))) return "is missing from the datastore";
    return hasher.digest("hex") === hash ? undefined : HASH_PROBLEM;
  }

  /** Where a blob lives, for messages. */
  describe(hash: string): string {
    return this.storage.describe(BlobStore.key(hash));
  }
}

const HASH_PROBLEM = "is damaged: its bytes no longer match their SHA-256";

function sizeProblem(actual: number, expected: number): string {
  return `is damaged: ${actual} bytes where ${expected} were stored`;
}
