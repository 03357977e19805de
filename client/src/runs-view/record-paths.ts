/** Which run a changed datastore file belongs to. Pure, so the watcher's filter is unit-tested. */

/** A run whose record, or one of whose task records, changed. */
export interface RecordChange {
  flow: string;
  run: string;
}

/** The datastore files the explorer watches, relative to its root. */
export const RECORD_GLOB = "flows/*/runs/*/{run.json,steps/*/*.json}";

/**
 * The run a datastore path (relative to the root, `/`-separated) belongs to when it is a run
 * record or a task record; undefined for anything else (blobs, logs, the compile cache).
 */
export function recordChange(path: string): RecordChange | undefined {
  const match = /^flows\/([^/]+)\/runs\/([^/]+)\/(?:run\.json|steps\/[^/]+\/[^/]+\.json)$/.exec(path);
  return match ? { flow: match[1], run: match[2] } : undefined;
}
