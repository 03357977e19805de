import { ArtifactStore } from "../../datastore/artifacts";
import type { ArtifactRef } from "../../datastore/records";

/** Artifact values a step reads synchronously (`this.x`, `inputs[0].x`, `this.input`). */
export interface SyncArtifacts {
  load(ref: ArtifactRef, where: string): unknown;
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

/**
 * Fetches the stored bytes of every value a task may read before its step runs, in parallel: a
 * step reads its artifacts through plain fields, which cannot wait on storage, and storage is
 * asynchronous. Values are still decoded only when read, and a value that cannot be fetched (a
 * missing blob) is an error only for the step that reads it. The bytes stay until the task ends:
 * a value may be decoded more than once (a join's input, then the same value merged).
 */
export async function prefetchArtifacts(
  store: ArtifactStore,
  refs: Iterable<{ ref: ArtifactRef; where: string }>,
): Promise<SyncArtifacts> {
  const fetched = new Map<string, { bytes?: Buffer; error?: Error }>();
  const pending: Array<{ ref: ArtifactRef; where: string }> = [];
  for (const { ref, where } of refs) {
    if (ref.inline !== undefined) continue;
    if (fetched.has(ref.hash)) continue;
    const known = recent.get(ref.hash);
    fetched.set(ref.hash, known ? { bytes: known } : {});
    if (!known) pending.push({ ref, where });
  }
  const next = async (): Promise<void> => {
    for (let item = pending.pop(); item; item = pending.pop()) {
      const entry = fetched.get(item.ref.hash)!;
      try {
        entry.bytes = await store.bytes(item.ref, item.where);
        remember(item.ref.hash, entry.bytes);
      } catch (error) {
        entry.error = error instanceof Error ? error : new Error(String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, pending.length) }, next));
  return {
    load(ref, where) {
      if (ref.inline !== undefined) return ArtifactStore.decode(ref, ArtifactStore.inlineBytes(ref, where), where);
      const entry = fetched.get(ref.hash);
      if (!entry?.bytes) throw entry?.error ?? new Error(`internal: ${where} was not fetched before the step ran`);
      return ArtifactStore.decode(ref, entry.bytes, where);
    },
  };
}
