/**
 * The bottom layer of the datastore: bytes under '/'-separated keys below a root, with two
 * backends, the local file system and S3 (or any S3-compatible store). Everything above it (blobs,
 * task and run records, logs, tags, run-id claims) goes through this interface; nothing else
 * touches the disk or the network for the datastore. Every method is asynchronous: a worker or the
 * extension host never blocks its event loop on storage.
 *
 * Writes are atomic: a reader sees the old value or the new one, never a part (an object store
 * gives this by nature, the file system by writing a temp file and renaming it).
 */
export interface Storage {
  /** The root as the user gave it, resolved: an absolute folder path, or `s3://bucket/prefix`. */
  readonly root: string;

  /**
   * The value under `key`, or undefined when there is none. Read as a stream into one buffer of
   * the value's size; with `see`, each chunk is passed to `see` as it arrives, so a caller can hash
   * what it reads without a second pass.
   */
  read(key: string, see?: (chunk: Uint8Array) => void): Promise<Buffer | undefined>;
  /** Passes the value under `key` to `see` chunk by chunk, keeping none of it; false when there is none. */
  scan(key: string, see: (chunk: Uint8Array) => void): Promise<boolean>;
  /** The value's size in bytes (a stat or a HEAD), or undefined when there is none. */
  size(key: string): Promise<number | undefined>;

  /** Replaces the value under `key` atomically. Big values go up in parallel parts (S3 multipart). */
  write(key: string, data: Uint8Array | string): Promise<void>;
  /**
   * Writes `key` only when it does not exist yet, atomically; true when this call wrote it, false
   * when a value was already there (`link()` on disk, `If-None-Match: *` on S3).
   */
  create(key: string, data: Uint8Array | string): Promise<boolean>;
  /** The value with a version token (an ETag on S3) for `replace`, or undefined when there is none. */
  readVersioned(key: string): Promise<{ bytes: Buffer; version: string } | undefined>;
  /**
   * Compare-and-swap: writes `data` only when the value still has `version`; false when another
   * writer changed it meanwhile (the caller reads again and retries). `If-Match` on S3.
   */
  replace(key: string, data: Uint8Array | string, version: string): Promise<boolean>;

  /** The names directly under a prefix ("a/b" → ["c", "d"]), files and folders alike, sorted; [] when none. */
  list(prefix: string): Promise<string[]>;
  /**
   * Appends to a growing value (a log). Readers may see any prefix of what was appended; appends
   * to one key land in the order they were made. An object store, which cannot append, keeps the
   * value and rewrites it now and then and on `flush`.
   */
  append(key: string, data: Uint8Array | string): Promise<void>;
  /** Makes every append so far durable and visible to readers. */
  flush(): Promise<void>;

  /** Removes a key, or a whole prefix; absent keys are fine. */
  remove(key: string): Promise<void>;
  /** Moves a value (to set damaged data aside), replacing what is at `to`; false when `from` has none. */
  move(from: string, to: string): Promise<boolean>;
  /** Names under a prefix that a killed writer left half-written (temp files on disk), sorted. */
  leftovers(prefix: string): Promise<string[]>;

  /** Where a key lives, for messages: a file path or an `s3://` URL. Never holds a credential. */
  describe(key: string): string;
  /** Flushes, then releases what the backend holds (an S3 client's sockets). */
  close(): Promise<void>;
}
