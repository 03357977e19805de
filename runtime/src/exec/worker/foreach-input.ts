import type { ArtifactStore } from "../../datastore/artifacts";
import type { ArtifactRef } from "../../datastore/records";

/** The last few foreach collections this worker read, by content hash. */
const collections = new Map<string, unknown[]>();
const KEPT = 4;

/**
 * `this.input` of a foreach task: element `index` of the foreach artifact. A warm worker runs many
 * siblings of one foreach, so it reads the collection once rather than once per task; each task
 * gets its own copy of its element, so a step that changes its input cannot touch a sibling's.
 */
export function foreachElement(store: ArtifactStore, ref: ArtifactRef, index: number, where: string): unknown {
  let items = collections.get(ref.hash);
  if (!items) {
    const value = store.load(ref, where);
    items = Array.isArray(value) ? value : Array.from(value as Iterable<unknown>);
    collections.set(ref.hash, items);
    if (collections.size > KEPT) collections.delete(collections.keys().next().value!);
  }
  return structuredClone(items[index]);
}
