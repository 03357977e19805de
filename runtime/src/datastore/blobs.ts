import { createHash } from "node:crypto";
import { DatastoreError } from "./errors";
import type { Storage } from "./storage";

/**
 * Content-addressed bytes: a value is stored once under its SHA-256, however many tasks and runs
 * carry it. Writing a blob that exists costs a stat, not a write.
 */
export class BlobStore {
  constructor(private readonly storage: Storage) {}

  static hash(bytes: Uint8Array): string {
    return createHash("sha256").update(bytes).digest("hex");
  }

  static key(hash: string): string {
    return `blobs/${hash.slice(0, 2)}/${hash}`;
  }

  /** Stores `bytes` under their hash (given when the caller already computed it). */
  put(bytes: Uint8Array, hash = BlobStore.hash(bytes)): string {
    const key = BlobStore.key(hash);
    if (!this.storage.exists(key)) this.storage.create(key, bytes);
    return hash;
  }

  /** The bytes of a blob, checked against the size recorded when it was stored. */
  get(hash: string, expectedSize: number): Buffer {
    const key = BlobStore.key(hash);
    const bytes = this.storage.read(key);
    if (!bytes)
      throw new DatastoreError(`blob ${hash.slice(0, 12)} is missing from the datastore`, this.storage.describe(key));
    if (bytes.length !== expectedSize) {
      throw new DatastoreError(
        `blob ${hash.slice(0, 12)} is corrupt: ${bytes.length} bytes where ${expectedSize} were stored`,
        this.storage.describe(key),
      );
    }
    return bytes;
  }
}
