import { ArtifactStore } from "../../datastore/artifacts";
import type { ArtifactRef } from "../../datastore/records";

/** Artifact values a step reads synchronously (`this.x`, `inputs[0].x`, `this.input`). */
export interface SyncArtifacts {
  load(ref: ArtifactRef, where: string): unknown;
  /** The stored bytes a blob value was decoded from, once fetched or read; undefined before. */
  bytesOf(ref: ArtifactRef): Buffer | undefined;
}

/** Blob reads in flight at once while a task's inputs are fetched. */
const PARALLEL = 16;

/**
 * Small blobs this worker read and checked, by hash, kept for the next tasks: a blob never changes
 * (its key is its hash), and a warm worker's tasks mostly start from the same values (a foreach's
 * siblings share their parent's artifacts).
 */
const recent = new Map<string, Buffer>();
const RECENT_BLOB_MAX = 1024 * 1024;
const RECENT_TOTAL_MAX = 32 * 1024 * 1024;
let recentBytes = 0;

function remember(hash: string, bytes: Buffer): void {
  if (bytes.length > RECENT_BLOB_MAX || recent.has(hash)) return;
  recent.set(hash, bytes);
  recentBytes += bytes.length;
  for (const [old, kept] of recent) {
    if (recentBytes <= RECENT_TOTAL_MAX) break;
    recent.delete(old);
    recentBytes -= kept.length;
  }
}

/** A value a task may read, and whether to fetch it before its step runs. */
export interface StartingValue {
  ref: ArtifactRef;
  where: string;
  /** Fetch ahead: the step is seen to read it, or it is small. Otherwise it is read when first touched. */
  eager: boolean;
}

/** Values up to this size are fetched ahead whether or not the step is seen to read them: cheap. */
export const EAGER_MAX_BYTES = 1024 * 1024;

/**
 * Fetches, before the step runs and in parallel, the stored bytes of the values a task reads
 * through plain fields that it is worth fetching ahead (`eager`): a field cannot wait on storage,
 * which is asynchronous. Any other value is read when first touched, through `readLater`, which
 * blocks the step's thread for it (readBytesSync): a large value the step never reads is never
 * fetched nor held. Values are decoded only when read, and a value that cannot be fetched (a
 * missing blob) is an error only for the step that reads it. The bytes stay until the task ends:
 * a value may be decoded more than once (a join's input, then the same value merged).
 */
export async function prefetchArtifacts(
  store: ArtifactStore,
  values: Iterable<StartingValue>,
  readLater: (ref: ArtifactRef, where: string) => Buffer,
): Promise<SyncArtifacts> {
  // Each value with the \`where\` of the first task it came from, which its messages name.
  const fetched = new Map<string, { where: string; bytes?: Buffer; error?: Error }>();
  const pending = new Map<string, { ref: ArtifactRef; where: string }>();
  for (const { ref, where, eager } of values) {
    if (ref.inline !== undefined) continue;
    if (!fetched.has(ref.hash)) {
      const known = recent.get(ref.hash);
      fetched.set(ref.hash, known ? { where, bytes: known } : { where });
      if (known) continue;
    }
    if (eager && !fetched.get(ref.hash)?.bytes) pending.set(ref.hash, { ref, where });
  }
  const queue = [...pending.values()];
  const next = async (): Promise<void> => {
    for (let item = queue.pop(); item; item = queue.pop()) {
      const entry = fetched.get(item.ref.hash)!;
      try {
        entry.bytes = await store.bytes(item.ref, item.where);
        remember(item.ref.hash, entry.bytes);
      } catch (error) {
        entry.error = error instanceof Error ? error : new Error(String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, next));
  return {
    load(ref, where) {
      if (ref.inline !== undefined) return ArtifactStore.decode(ref, ArtifactStore.inlineBytes(ref, where), where);
      const entry = fetched.get(ref.hash);
      if (!entry) throw new Error(`internal: ${where} is not among the values the task starts from`);
      if (!entry.bytes && !entry.error) {
        try {
          entry.bytes = readLater(ref, entry.where);
        } catch (error) {
          entry.error = error instanceof Error ? error : new Error(String(error));
        }
      }
      if (!entry.bytes) throw entry.error ?? new Error(`internal: ${where} was neither fetched nor read`);
      return ArtifactStore.decode(ref, entry.bytes, where);
    },
    bytesOf(ref) {
      return ref.inline === undefined ? fetched.get(ref.hash)?.bytes : undefined;
    },
  };
}
