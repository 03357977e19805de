import { describeLocation, type DatastoreLocation } from "../config/location";
import { DatastoreError } from "./errors";
import { FsStorage } from "./fs-storage";
import type { Storage } from "./storage-api";

/**
 * The one place a location becomes a storage backend: a folder opens FsStorage, an `s3://` root
 * the S3 backend. Opening touches nothing: the first read or write says what is wrong.
 */
export function openStorage(location: DatastoreLocation): Storage {
  if (location.kind === "local") return new FsStorage(location.path);
  throw new DatastoreError("S3 datastores are not built yet", describeLocation(location));
}
