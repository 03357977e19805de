import { relative, sep } from "node:path";
import * as vscode from "vscode";
import { isLocalRoot } from "./readers";
import { withFolders } from "./watch-globs";

/**
 * A watcher on what matches any of `globs` (relative to the root) in the datastore at `root`, on
 * every folder on the way to it (see `withFolders`: a deleted folder is reported alone), and on
 * the datastore folder itself where it can be. A datastore inside a workspace folder is watched
 * through that folder (the common case, `.tsflow` in the project), which works before the
 * datastore exists; one outside is watched where it is. A bucket (`s3://...`) has no files to
 * watch: undefined, and the caller's polls (a glance while visible, a poll while a run runs) are
 * what keep it current.
 */
export function watchDatastore(root: string, globs: readonly string[]): vscode.FileSystemWatcher | undefined {
  if (!isLocalRoot(root)) return undefined;
  const watched = withFolders(globs);
  const folder = vscode.workspace.workspaceFolders?.find((f) => isInside(root, f.uri.fsPath));
  if (!folder) {
    return vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root), anyOf(watched)));
  }
  const within = relative(folder.uri.fsPath, root).split(sep).join("/");
  const patterns = within ? [within, ...watched.map((glob) => `${within}/${glob}`)] : watched;
  return vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, anyOf(patterns)));
}

/** One glob for several: VS Code's `{a,b}` group. */
function anyOf(globs: readonly string[]): string {
  return globs.length === 1 ? globs[0] : `{${globs.join(",")}}`;
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === "" || (!rel.startsWith("..") && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
}
