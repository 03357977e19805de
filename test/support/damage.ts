import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ArtifactRef, TaskRecord } from "../../runtime/src/datastore";
import { BlobStore } from "../../runtime/src/datastore/blobs";

/** Flips one byte of a file in place: the same size, other bytes, as a failing disk leaves it. */
export function flipByte(path: string, at = 100): void {
  const bytes = readFileSync(path);
  bytes[at % bytes.length] ^= 0xff;
  writeFileSync(path, bytes);
}

/** The blob file behind a task's artifact, read from the task record at `taskFile`. */
export function blobOf(root: string, taskFile: string, artifact: string): string {
  const record = JSON.parse(readFileSync(taskFile, "utf8")) as TaskRecord;
  const ref: ArtifactRef | undefined = record.artifacts[artifact];
  if (!ref || ref.inline !== undefined) throw new Error(`${taskFile}: artifact '${artifact}' has no blob`);
  return join(root, BlobStore.key(ref.hash));
}

/** Every blob file of a datastore. */
export function allBlobs(root: string): string[] {
  const blobs = join(root, "blobs");
  return readdirSync(blobs).flatMap((dir) => readdirSync(join(blobs, dir)).map((name) => join(blobs, dir, name)));
}

/** Rewrites an inline artifact's stored bytes in a task record, keeping its hash: a damaged inline value. */
export function damageInline(taskFile: string, artifact: string): void {
  const record = JSON.parse(readFileSync(taskFile, "utf8")) as TaskRecord;
  const ref = record.artifacts[artifact];
  if (ref?.inline === undefined) throw new Error(`${taskFile}: artifact '${artifact}' is not inline`);
  const bytes = Buffer.from(ref.inline, "base64");
  bytes[bytes.length - 1] ^= 1;
  ref.inline = bytes.toString("base64");
  writeFileSync(taskFile, JSON.stringify(record));
}
