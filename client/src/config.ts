import * as vscode from "vscode";

/** The `tsflow.*` settings, typed: package.json documents each with its default. */
export interface TsflowSettings {
  /** Where runs are kept; relative paths are resolved against the workspace folder. */
  datastoreRoot: string;
  /** Tasks at once for runs started from the editor; 0 means the number of cores. */
  maxWorkers: number;
  /** The namespace the run views read: "" for your own (`user:NAME`), "*" for everyone's. */
  namespace: string;
  /** Parameters for every run started from the editor, as CLI flags (`["--alpha", "0.1"]`). */
  runArgs: string[];
  /** The Node.js that runs the `tsflow` CLI; "" for the one on PATH. */
  nodePath: string;
  /** Open the DAG preview when a flow file is opened. */
  autoOpenPreview: boolean;
}

export function readSettings(scope?: vscode.ConfigurationScope): TsflowSettings {
  const config = vscode.workspace.getConfiguration("tsflow", scope);
  return {
    datastoreRoot: config.get("datastoreRoot", ".tsflow"),
    maxWorkers: config.get("maxWorkers", 0),
    namespace: config.get("namespace", ""),
    runArgs: config.get("runArgs", []),
    nodePath: config.get("nodePath", ""),
    autoOpenPreview: config.get("autoOpenPreview", false),
  };
}

/** The datastore root as an absolute path: relative to the first workspace folder. */
export function datastorePath(settings: TsflowSettings): string | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!folder && !settings.datastoreRoot.startsWith("/")) return undefined;
  return settings.datastoreRoot.startsWith("/")
    ? settings.datastoreRoot
    : vscode.Uri.joinPath(folder!, settings.datastoreRoot).fsPath;
}
