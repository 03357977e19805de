import { pathToFileURL } from "node:url";
import { DidChangeWatchedFilesNotification, type FileSystemWatcher } from "vscode-languageserver";
import { datastoreRootFor } from "../run-status";
import type { Feature } from "../server";

/**
 * Runs' records within a datastore, and the folders that hold them: VS Code reports a deleted
 * folder alone, not the records inside it.
 */
const RUN_RECORDS = "flows/{*,*/runs/*,*/runs/*/run.json}";

/**
 * A run started anywhere (a terminal, another window) shows in the lenses and diagnostics as soon
 * as its record is written, without an edit: the client watches run records for us, where it can;
 * where it cannot, LiveRuns polls the flows shown.
 */
export const runWatchFeature: Feature = {
  capabilities: {},
  register({ connection, runs }) {
    connection.onDidChangeWatchedFiles(() => runs.live.recordsChanged());
  },
  initialized({ connection, client, settings, runs }) {
    const watching = client.workspace?.didChangeWatchedFiles;
    if (!watching?.dynamicRegistration) return;
    const watchers: FileSystemWatcher[] = [{ globPattern: `**/${RUN_RECORDS}` }];
    const root = settings.datastoreRoot ? datastoreRootFor("", settings) : undefined;
    if (root?.kind === "local" && watching.relativePatternSupport) {
      watchers.push({ globPattern: { baseUri: pathToFileURL(root.path).toString(), pattern: RUN_RECORDS } });
    }
    // A datastore set outside the workspace that the client cannot watch is still polled; a bucket
    // has no files to watch, and LiveRuns polls it whatever the client watches.
    const covered = root === undefined || root.kind !== "local" || watching.relativePatternSupport === true;
    void connection.client
      .register(DidChangeWatchedFilesNotification.type, { watchers })
      .then(() => covered && runs.live.filesWatched())
      .catch(() => undefined);
  },
};
