/** What a changed datastore path is about. Pure, so the watcher's filter is unit-tested. */

/**
 * What changed: a run (its folder, its record or one of its task records), a whole flow's folder
 * (no `run`), or the whole datastore (neither).
 */
export interface RecordChange {
  flow?: string;
  run?: string;
}

/**
 * The datastore records the explorer watches, relative to its root (the watcher adds the folders
 * that hold them, since a deleted folder is reported alone).
 */
export const RECORD_GLOBS = ["flows/*/runs/*/run.json", "flows/*/runs/*/steps/*/*.json"];

/**
 * What a datastore path (relative to the root, `/`-separated) tells of when it is one the explorer
 * watches; undefined for anything else (blobs, logs, the compile cache).
 */
export function recordChange(path: string): RecordChange | undefined {
  if (path === "" || path === "flows") return {};
  const match = /^flows\/([^/]+)(?:\/runs\/([^/]+)(?:\/run\.json|\/steps\/[^/]+\/[^/]+\.json)?)?$/.exec(path);
  if (!match) return undefined;
  return match[2] === undefined ? { flow: match[1] } : { flow: match[1], run: match[2] };
}
