/**
 * The extension host's readers of runs: one client API object per datastore root, made on first
 * use and kept, each lookup in the namespace it names. No reader sets process-wide state, so the
 * runs view, the DAG preview and the artifact documents read side by side without a queue.
 */
import { client, type Client } from "../../runtime/src/client";
import { isS3Url, resolveDatastore } from "../../runtime/src/config";
import { extensionEnv } from "./cluster-env";

const clients = new Map<string, Client>();
let endpoint: string | undefined;

/**
 * The client of the datastore at `root` (an absolute path or `s3://bucket/prefix`, as targets and
 * settings carry it) in namespace `ns` (null: every user's runs).
 */
export function readerOf(root: string, ns: string | null = null): Client {
  let base = clients.get(root);
  if (!base) {
    // TSFLOW_S3_ENDPOINT_URL, when set, wins over the setting, as for the CLI the editor launches.
    const location = resolveDatastore({
      cwd: process.cwd(),
      env: extensionEnv(),
      option: root,
      endpointSetting: endpoint,
    });
    clients.set(root, (base = client({ root: location, namespace: null })));
  }
  return ns === null ? base : base.withNamespace(ns);
}

/**
 * The `tsflow.s3EndpointUrl` setting, for `s3://` roots: when it changes, the clients made for the
 * old endpoint are closed and made again on their next use.
 */
export function useS3Endpoint(url: string | undefined): void {
  const next = url?.trim() ? url.trim() : undefined;
  if (next === endpoint) return;
  endpoint = next;
  const old = [...clients.values()];
  clients.clear();
  for (const reader of old) void reader.close();
}

/** Whether `root` is a folder on this machine, which a file watcher can watch; a bucket is polled. */
export function isLocalRoot(root: string): boolean {
  return !isS3Url(root);
}
