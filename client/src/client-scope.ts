import { defaultNamespace, getNamespace, namespace, useDatastore } from "../../runtime/src/client";

/**
 * Runs `read` at once against the datastore at `root` with the client API's namespace set to `ns`
 * (null: every user's), then puts the namespace back. The client's datastore and namespace are
 * process-wide, shared by every reader in the extension host, and bound when an object is made:
 * a read done in one synchronous stretch is never crossed by another reader's settings.
 */
export function readIn<T>(root: string, ns: string | null, read: () => T): T {
  useDatastore(root);
  const before = getNamespace();
  namespace(ns);
  try {
    return read();
  } finally {
    // The user's default stays the default (it follows TSFLOW_USER), not a namespace set by hand.
    if (before !== defaultNamespace()) namespace(before);
  }
}
