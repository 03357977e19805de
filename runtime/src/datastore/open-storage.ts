import type { DatastoreLocation } from "../config/location";
import { countedWhenAsked } from "./counting-storage";
import { FsStorage } from "./fs-storage";
import { openS3Storage } from "./s3-lazy";
import type { Storage } from "./storage-api";

/**
 * The one place a location becomes a storage backend: a folder opens FsStorage, an `s3://` root
 * the S3 backend (loaded with the AWS SDK on its first use). Opening touches nothing: the first
 * read or write says what is wrong. With TSFLOW_STORAGE_COUNTS set (the bench), either backend's
 * calls are counted.
 */
export function openStorage(location: DatastoreLocation): Storage {
  return countedWhenAsked(location.kind === "local" ? new FsStorage(location.path) : openS3Storage(location));
}
