import { describeLocation, resolveDatastore, resolveRoot, type DatastoreLocation } from "../config";
import { clientOver, openClientStore, type Client } from "./client";
import { checkNamespace, defaultUserNamespace } from "./namespace";
import type { ClientStore } from "./store";

// The module-level functions (namespace(), Flow(), Run()...) read through a default client made
// from two pieces of process-wide state, as in Metaflow: the namespace and the datastore. The
// state is read when a lookup makes an object; the object holds that client from then on.
let current: string | null | undefined;
let chosenRoot: string | DatastoreLocation | undefined;
const stores = new Map<string, ClientStore>();

/**
 * Sets the namespace that listings and lookups are limited to and returns it. A namespace is a tag:
 * `user:NAME` for a user's runs, or any user tag. `namespace(null)` shows every run.
 *
 * @example
 * namespace("user:savin"); // savin's runs
 * namespace(null);         // everyone's
 */
export function namespace(ns: string | null): string | null {
  current = checkNamespace(ns);
  return ns;
}

/** The namespace in use: the one last set with `namespace()`, else the current user's. */
export function getNamespace(): string | null {
  return current === undefined ? defaultUserNamespace() : current;
}

/**
 * Goes back to the default namespace, `user:NAME` for the user running this process (TSFLOW_USER,
 * else USER), and returns it, as Metaflow's `default_namespace()` does.
 */
export function defaultNamespace(): string {
  current = undefined;
  return defaultUserNamespace();
}

/**
 * Reads runs from the datastore at `root` (a path relative to the working directory, or
 * `s3://bucket/prefix`), or, with no argument, from the default again: TSFLOW_DATASTORE_ROOT, else
 * `.tsflow` in the working directory. A program that reads several datastores makes a `client()`
 * for each instead.
 */
export function useDatastore(root?: string | DatastoreLocation): void {
  chosenRoot = root;
}

/** The datastore the module-level functions read now. */
export function getDatastoreLocation(): DatastoreLocation {
  const sources = { cwd: process.cwd(), env: process.env };
  if (chosenRoot === undefined) return resolveDatastore(sources);
  return typeof chosenRoot === "string" ? resolveRoot(chosenRoot, sources) : chosenRoot;
}

/** The datastore the module-level functions read now, as messages name it (a path or `s3://...`). */
export function getDatastoreRoot(): string {
  return describeLocation(getDatastoreLocation());
}

/**
 * The default client as the settings stand now: the datastore and namespace in use. Its store is
 * opened once per root and kept, as a script reads one datastore again and again.
 */
export function defaultClient(): Client {
  return clientOver(getDatastoreLocation(), cachedStore, getNamespace());
}

function cachedStore(location: DatastoreLocation): ClientStore {
  const key = JSON.stringify(location);
  let store = stores.get(key);
  if (!store) {
    store = openClientStore(location);
    stores.set(key, store);
  }
  return store;
}
