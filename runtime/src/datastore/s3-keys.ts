import { DatastoreError } from "./errors";

/** A location's prefix as a key prefix: without leading or trailing slashes ("" for the bucket's top). */
export function normalizePrefix(prefix: string): string {
  return prefix.replace(/^\/+|\/+$/g, "");
}

/**
 * The object key for a datastore key under `prefix`. Keys that would escape or blur the layout
 * ('..', '.', empty segments) are refused, as on the file system; `root` names the datastore then.
 */
export function objectKeyOf(prefix: string, key: string, root: string): string {
  if (key.split("/").some((part) => part === ".." || part === "" || part === ".")) {
    throw new DatastoreError(`invalid datastore key '${key}'`, root);
  }
  return prefix === "" ? key : `${prefix}/${key}`;
}

/** Where a key lives, for messages: `s3://bucket/prefix/key` (the root itself for ""). */
export function s3Url(bucket: string, prefix: string, key: string, root: string): string {
  return key === "" ? root : `s3://${bucket}/${objectKeyOf(prefix, key, root)}`;
}
