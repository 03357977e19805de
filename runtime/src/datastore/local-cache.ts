import { userCacheDir } from "../config/cache-dir";
import type { DatastoreLocation } from "../config/location";
import { FsStorage } from "./fs-storage";
import type { Storage } from "./storage-api";

/**
 * Where compiled flows and analyses are cached (keys `cache/...`, see layout.ts). A datastore in a
 * folder keeps them in its own `cache/`, as it always has: deleting the datastore deletes them, a
 * test's temp datastore starts cold, and nothing is written outside what the user pointed at. A
 * bucket must hold neither (they are this machine's, and a round trip would cost more than the
 * compile saves), and nothing may land in the working folder: they go to the user's cache folder
 * (config/cache-dir.ts), `~/.cache/tsflow/cache/` on Linux.
 */
export function localCache(
  datastore: { location: DatastoreLocation; storage: Storage },
  env: Readonly<Record<string, string | undefined>>,
): Storage {
  return datastore.location.kind === "s3" ? new FsStorage(userCacheDir(env)) : datastore.storage;
}
