import { describeLocation } from "../config/location";
import type { S3Location } from "./s3-client";
import { normalizePrefix, s3Url } from "./s3-keys";
import type { S3Storage } from "./s3-storage";
import type { Storage } from "./storage-api";

/**
 * The S3 backend, loaded on its first use: the AWS SDK takes tens of milliseconds to load, which
 * every command on a local datastore would pay if it were imported up front. The bundler keeps the
 * dynamic import inside the bundle and runs the module only when it is first awaited. `root` and
 * `describe` answer at once, without the SDK.
 */
export function openS3Storage(location: S3Location): Storage {
  let opened: Promise<S3Storage> | undefined;
  const open = () => (opened ??= import("./s3-storage").then(({ S3Storage }) => new S3Storage(location)));
  const prefix = normalizePrefix(location.prefix);
  const root = describeLocation({ ...location, prefix });
  return {
    root,
    read: async (key, see) => (await open()).read(key, see),
    scan: async (key, see) => (await open()).scan(key, see),
    size: async (key) => (await open()).size(key),
    write: async (key, data) => (await open()).write(key, data),
    create: async (key, data) => (await open()).create(key, data),
    readVersioned: async (key) => (await open()).readVersioned(key),
    replace: async (key, data, version) => (await open()).replace(key, data, version),
    list: async (key) => (await open()).list(key),
    append: async (key, data) => (await open()).append(key, data),
    flush: async () => (await opened)?.flush(),
    remove: async (key) => (await open()).remove(key),
    move: async (from, to) => (await open()).move(from, to),
    leftovers: async (key) => (await open()).leftovers(key),
    describe: (key) => s3Url(location.bucket, prefix, key, root),
    close: async () => (await opened)?.close(),
  };
}
