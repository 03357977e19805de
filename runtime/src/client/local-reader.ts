import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { ArtifactStore } from "../datastore/artifacts";
import { BlobStore } from "../datastore/blobs";
import { NotFoundError, DatastoreError } from "../datastore/errors";
import { layout, parseLogName, type LogStream } from "../datastore/layout";
import { checkRunRecord, checkTaskRecord } from "../datastore/record-checks";
import { parseRecord, type ArtifactRef, type RunRecord, type TaskRecord } from "../datastore/records";
import type { ReadOptions } from "../datastore/value-errors";

/**
 * The client API's reads of a local datastore, synchronous as the client API still is: the same
 * keys, record checks and blob checks as the asynchronous stores, read with node:fs. The client
 * moves onto the asynchronous datastore (and S3) with the explicit client of issue 12; until then
 * this is the one place the client touches the disk.
 */
export class LocalReader {
  constructor(readonly root: string) {}

  /** Throws a NotFoundError naming the root when there is no datastore there. */
  requireExists(): void {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(this.root).isDirectory();
    } catch {
      throw new NotFoundError(
        `no TSFlow datastore at ${this.root}: run a flow there first, or point --datastore-root or TSFLOW_DATASTORE_ROOT at one`,
        this.root,
      );
    }
    if (!isDirectory) throw new DatastoreError("is not a TSFlow datastore (a file, not a folder)", this.root);
  }

  describe(key: string): string {
    return join(this.root, ...key.split("/"));
  }

  read(key: string): Buffer | undefined {
    return absent(() => readFileSync(this.describe(key)));
  }

  /** The names directly under a prefix, sorted, without temp files and claims. */
  list(prefix: string): string[] {
    const names = absent(() => readdirSync(this.describe(prefix))) ?? [];
    return names.filter((name) => !name.endsWith(".tmp") && !name.endsWith(".lock")).sort();
  }

  flows(): string[] {
    return this.list(layout.flows());
  }

  runIds(flow: string): string[] {
    return this.list(layout.runs(flow))
      .filter((id) => /^\d+$/.test(id))
      .sort((a, b) => b.length - a.length || (a < b ? 1 : a > b ? -1 : 0));
  }

  run(flow: string, id: string): RunRecord | undefined {
    const key = layout.run(flow, id);
    const bytes = this.read(key);
    if (!bytes) return undefined;
    const record = parseRecord<RunRecord>(bytes, this.describe(key), "run");
    checkRunRecord(record, this.describe(key));
    return record;
  }

  steps(flow: string, run: string): string[] {
    return this.list(layout.steps(flow, run));
  }

  taskIds(flow: string, run: string, step: string): string[] {
    return this.list(layout.tasks(flow, run, step))
      .filter((name) => /^\d+\.json$/.test(name))
      .map((name) => name.slice(0, -".json".length))
      .sort((a, b) => Number(a) - Number(b));
  }

  task(flow: string, run: string, step: string, id: string): TaskRecord | undefined {
    const key = layout.task(flow, run, step, id);
    const bytes = this.read(key);
    if (!bytes) return undefined;
    const record = parseRecord<TaskRecord>(bytes, this.describe(key), "task");
    checkTaskRecord(record, this.describe(key));
    return record;
  }

  /** One attempt's log; a task of an older TSFlow has one log for all its attempts. */
  log(flow: string, run: string, step: string, id: string, stream: LogStream, attempt: number): string | undefined {
    const bytes =
      this.read(layout.log(flow, run, step, id, stream, attempt)) ?? this.read(layout.log(flow, run, step, id, stream));
    return bytes?.toString("utf8");
  }

  logAttempts(flow: string, run: string, step: string, id: string): number[] {
    const attempts = new Set<number>();
    for (const name of this.list(layout.tasks(flow, run, step))) {
      const log = parseLogName(name);
      if (log?.task === id && log.attempt !== undefined) attempts.add(log.attempt);
    }
    return [...attempts].sort((a, b) => a - b);
  }

  /** An artifact's value, its bytes checked against its SHA-256 and size as the artifact store checks them. */
  artifact(ref: ArtifactRef, where: string, options?: ReadOptions): unknown {
    let bytes: Buffer;
    if (ref.inline !== undefined) bytes = ArtifactStore.inlineBytes(ref, where);
    else {
      const key = BlobStore.key(ref.hash);
      const read = this.read(key);
      const digest = read && createHash("sha256").update(read).digest("hex");
      bytes = BlobStore.checked(ref.hash, ref.size, read && digest ? { bytes: read, digest } : undefined, {
        what: where,
        where: this.describe(key),
      });
    }
    return ArtifactStore.decode(ref, bytes, where, options);
  }
}

function absent<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw error;
  }
}
