import { userCacheDir } from "../config/cache-dir";
import { FsStorage, type Storage } from "./storage";

/**
 * Where compiled flows and analyses are cached (keys `cache/...`, see layout.ts). A datastore in a
 * folder keeps them in its own `cache/`, as it always has: deleting the datastore deletes them, a
 * test's temp datastore starts cold, and nothing is written outside what the user pointed at. A
 * bucket must hold neither (they are this machine's, and a round trip would cost more than the
 * compile saves), and nothing may land in the working folder: they go to the user's cache folder
 * (config/cache-dir.ts), `~/.cache/tsflow/cache/` on Linux.
 */
export function localCache(
  datastore: { root: string; storage: Storage },
  env: Readonly<Record<string, string | undefined>>,
): Storage {
  // FIXME(rebase): datastore.location.kind === "s3" once the location is part of the datastore.
  return /^s3:\/\//i.test(datastore.root) ? new FsStorage(userCacheDir(env)) : datastore.storage;
}
