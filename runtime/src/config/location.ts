/**
 * Where a datastore lives: a folder on this machine, or a prefix in an S3 bucket (AWS, or an
 * S3-compatible store at `endpoint`, addressed path-style). Credentials are never part of it: they
 * come from the standard AWS chain when the store is opened.
 */
export type DatastoreLocation =
  { kind: "local"; path: string } | { kind: "s3"; bucket: string; prefix: string; endpoint?: string; region?: string };

/** The location for messages: the folder's path or `s3://bucket/prefix`, never a credential. */
export function describeLocation(location: DatastoreLocation): string {
  if (location.kind === "local") return location.path;
  return location.prefix === "" ? `s3://${location.bucket}` : `s3://${location.bucket}/${location.prefix}`;
}
