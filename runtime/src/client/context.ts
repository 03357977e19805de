import { datastoreRoot } from "../datastore";
import { TsflowError } from "../errors";
import { currentUser, userNamespace } from "../metadata/identity";
import { ClientStore } from "./store";

// The client's two pieces of process-wide state, as in Metaflow: the namespace that filters what
// it lists and the datastore it reads. Both are read when an object is made, never cached in it.
let current: string | null | undefined;
let chosenRoot: string | undefined;
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
  if (ns !== null && (typeof ns !== "string" || ns.trim() === "")) {
    throw new TsflowError("usage", `namespace(${JSON.stringify(ns)}): a namespace is a non-empty tag, or null`);
  }
  current = ns;
  return ns;
}

/** The namespace in use: the one last set with `namespace()`, else the current user's. */
export function getNamespace(): string | null {
  return current === undefined ? userDefault() : current;
}

/**
 * Goes back to the default namespace, `user:NAME` for the user running this process (TSFLOW_USER,
 * else USER), and returns it, as Metaflow's `default_namespace()` does.
 */
export function defaultNamespace(): string {
  current = undefined;
  return userDefault();
}

function userDefault(): string {
  return userNamespace(currentUser(process.env));
}

/**
 * Reads runs from the datastore at `root` (relative to the working directory), or, with no
 * argument, from the default again: TSFLOW_DATASTORE_ROOT, else `.tsflow` in the working directory.
 */
export function useDatastore(root?: string): void {
  chosenRoot = root;
}

/** The absolute path of the datastore the client reads now. */
export function getDatastoreRoot(): string {
  return datastoreRoot(process.cwd(), process.env, chosenRoot);
}

/**
 * The store of the current datastore, opened once per root. It is checked to exist on every call,
 * so a process that starts before the first run sees the datastore once it appears.
 */
export function currentStore(): ClientStore {
  const root = getDatastoreRoot();
  let store = stores.get(root);
  if (!store) {
    store = new ClientStore(root);
    stores.set(root, store);
  }
  store.requireExists();
  return store;
}
