import { relative, sep } from "node:path";
import * as vscode from "vscode";

/**
 * A watcher on the files of the datastore at `root` that match `glob` (relative to the root). A
 * datastore inside a workspace folder is watched through that folder (the common case, `.tsflow`
 * in the project), which works before the datastore exists; one outside is watched where it is.
 */
export function watchDatastore(root: string, glob: string): vscode.FileSystemWatcher {
  const folder = vscode.workspace.workspaceFolders?.find((f) => isInside(root, f.uri.fsPath));
  if (!folder) return vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root), glob));
  const within = relative(folder.uri.fsPath, root).split(sep).join("/");
  return vscode.workspace.createFileSystemWatcher(
    new vscode.RelativePattern(folder, within ? `${within}/${glob}` : glob),
  );
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === "" || (!rel.startsWith("..") && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
}
