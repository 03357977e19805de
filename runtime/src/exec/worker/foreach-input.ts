import { cloneKeepingClasses } from "../../datastore/class-serializer";
import type { ArtifactRef } from "../../datastore/records";
import type { SyncArtifacts } from "./prefetched";

/** The last few foreach collections this worker read, by content hash. */
const collections = new Map<string, unknown[]>();
const KEPT = 4;

/**
 * The elements a foreach runs one task for, or undefined when `value` is not iterable: an array's
 * items, a string's characters (as Metaflow iterates a string), a Set's values, a Map's
 * `[key, value]` entries, a typed array's numbers, any other iterable's items. The split counts
 * its tasks with this and each task finds its element with it, so the two agree.
 */
export function foreachItems(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value as unknown[];
  if (typeof value === "string") return Array.from(value);
  if (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Iterable<unknown>)[Symbol.iterator] === "function"
  )
    return Array.from(value as Iterable<unknown>);
  return undefined;
}

/**
 * `this.input` of a foreach task: element `index` of the foreach artifact. A warm worker runs many
 * siblings of one foreach, so it reads the collection once rather than once per task; each task
 * gets its own copy of its element (class instances keep their class), so a step that changes
 * its input cannot touch a sibling's.
 */
export function foreachElement(store: SyncArtifacts, ref: ArtifactRef, index: number, where: string): unknown {
  const key = `${ref.serializer ?? ""}:${ref.hash}`;
  let items = collections.get(key);
  if (!items) {
    items = foreachItems(store.load(ref, where)) ?? [];
    collections.set(key, items);
    if (collections.size > KEPT) collections.delete(collections.keys().next().value!);
  }
  return cloneKeepingClasses(items[index]);
}
