import type { DatastoreLocation } from "../config/location";
import { FsStorage } from "./fs-storage";
import { openS3Storage } from "./s3-lazy";
import type { Storage } from "./storage-api";

/**
 * The one place a location becomes a storage backend: a folder opens FsStorage, an `s3://` root
 * the S3 backend (loaded with the AWS SDK on its first use). Opening touches nothing: the first
 * read or write says what is wrong.
 */
export function openStorage(location: DatastoreLocation): Storage {
  if (location.kind === "local") return new FsStorage(location.path);
  return openS3Storage(location);
}
