import { readFileSync } from "node:fs";
import { isAbsolute } from "node:path";
import * as vscode from "vscode";
import {
  DEFAULT_DATASTORE_DIR,
  describeLocation,
  isS3Url,
  resolveDatastore,
  type DatastoreLocation,
} from "../../runtime/src/config";
import { isTsflowError } from "../../runtime/src/errors";
import {
  CLUSTER_ENV_FILE,
  clusterEnv,
  extensionEnv,
  offeredExecutors,
  parseEnvFile,
  useClusterEnv,
} from "./cluster-env";
import { useS3Endpoint } from "./readers";

/** The `tsflow.*` settings, typed: package.json documents each with its default. */
export interface TsflowSettings {
  /** Where runs are kept: a path (relative ones against the workspace folder) or `s3://bucket/prefix`. */
  datastoreRoot: string;
  /** The endpoint of an S3-compatible store (MinIO, Ceph, R2) for an `s3://` root; "" for AWS. */
  s3EndpointUrl: string;
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
  /** Clusters the Run command offers besides running locally: "kubernetes", "slurm". */
  executors: string[];
}

export function readSettings(scope?: vscode.ConfigurationScope): TsflowSettings {
  const config = vscode.workspace.getConfiguration("tsflow", scope);
  return {
    datastoreRoot: config.get("datastoreRoot", ".tsflow"),
    s3EndpointUrl: config.get("s3EndpointUrl", ""),
    maxWorkers: config.get("maxWorkers", 0),
    namespace: config.get("namespace", ""),
    runArgs: config.get("runArgs", []),
    nodePath: config.get("nodePath", ""),
    autoOpenPreview: config.get("autoOpenPreview", false),
    executors: config.get("executors", []),
  };
}

/**
 * Where the editor's runs are, resolved as the CLI resolves them (runtime/src/config):
 * TSFLOW_DATASTORE_ROOT, else the setting, a relative path against the first workspace folder.
 * Undefined when a relative root has no folder to be relative to. Throws the configuration's usage
 * error for a root that cannot be one (a bad bucket name).
 */
export function datastoreLocation(settings: TsflowSettings): DatastoreLocation | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const env = extensionEnv();
  const given = env.TSFLOW_DATASTORE_ROOT?.trim() || settings.datastoreRoot.trim() || DEFAULT_DATASTORE_DIR;
  if (folder === undefined && !isS3Url(given) && !isAbsolute(given)) return undefined;
  const sources = { env, setting: settings.datastoreRoot, endpointSetting: settings.s3EndpointUrl };
  return resolveDatastore({ cwd: folder ?? process.cwd(), ...sources });
}

/**
 * The datastore root as targets and the CLI take it: an absolute path or `s3://bucket/prefix`;
 * undefined also for a root that cannot be one (`datastoreProblem` says why).
 */
export function datastorePath(settings: TsflowSettings): string | undefined {
  try {
    const location = datastoreLocation(settings);
    return location && describeLocation(location);
  } catch (error) {
    if (isTsflowError(error)) return undefined;
    throw error;
  }
}

/** What is wrong with the datastore root the settings give, in one line; undefined when nothing is. */
export function datastoreProblem(settings: TsflowSettings): string | undefined {
  try {
    datastoreLocation(settings);
    return undefined;
  } catch (error) {
    if (isTsflowError(error)) return error.message;
    throw error;
  }
}

/**
 * Keeps the extension's readers (readers.ts) on the `tsflow.s3EndpointUrl` setting: read now and
 * on every change, before the views that read runs hear of the change (they register later).
 */
export function followS3Endpoint(context: vscode.ExtensionContext): void {
  useS3Endpoint(readSettings().s3EndpointUrl);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("tsflow.s3EndpointUrl")) useS3Endpoint(readSettings().s3EndpointUrl);
    }),
  );
}

/**
 * The cluster file of the first workspace folder (cluster-env.ts), read once at activation, so
 * that the views, the language server and every run see one environment from the start. When the
 * file appears, changes or goes (`npm run cluster:up`, `cluster:down`), the window is offered a
 * reload rather than switching datastores under open views.
 */
export function followClusterEnv(context: vscode.ExtensionContext): void {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!folder) return;
  const file = vscode.Uri.joinPath(folder, CLUSTER_ENV_FILE);
  useClusterEnv(readClusterEnv(file.fsPath));
  const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, CLUSTER_ENV_FILE));
  const changed = () =>
    void vscode.window
      .showInformationMessage(`TSFlow: ${CLUSTER_ENV_FILE} changed: reload the window to use it.`, "Reload Window")
      .then((choice) => choice && vscode.commands.executeCommand("workbench.action.reloadWindow"));
  context.subscriptions.push(
    watcher,
    watcher.onDidCreate(changed),
    watcher.onDidChange(changed),
    watcher.onDidDelete(changed),
  );
}

/** The cluster file's variables; undefined when there is none. Read once, at activation. */
export function readClusterEnv(path: string): Record<string, string> | undefined {
  try {
    return parseEnvFile(readFileSync(path, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** The clusters a run of `file` can be sent to: the setting's, and the cluster file's read at activation. */
export function offeredFor(file: vscode.Uri) {
  return offeredExecutors(readSettings(file).executors, clusterEnv());
}
