import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type S3rver from "s3rver";
import type { S3rverContext, S3rverMiddleware } from "s3rver";
import authentication from "s3rver/lib/middleware/authentication";
import S3Error from "s3rver/lib/models/error";

/** How s3rver's folder store names the file holding an object's bytes: `<last key segment>._S3rver_object`. */
const OBJECT_SUFFIX = "._S3rver_object";

/** A name a listing returns: an object's key, or a common prefix (ending in the delimiter). */
interface Listed {
  name: string;
  isPrefix: boolean;
}

/**
 * s3rver 3.7.1 lists wrongly in two ways that matter to a datastore, so its ListObjectsV2 is
 * answered here instead, from its own folder store, behind its own authentication:
 * - with a delimiter it never descends two folders below the prefix, so `flows/` is missing from a
 *   listing of the root when every object lies deeper (`flows/F/runs/1/run.json`);
 * - past 1,000 keys it makes a continuation token with DES, which Node 17+ (OpenSSL 3) refuses:
 *   the truncated page is a 500 InternalError.
 * The token here is the last name returned (a key or a common prefix), so a page never repeats a
 * common prefix of the one before. `directory` is the server's folder.
 */
export function fixListing(server: S3rver, directory: string): void {
  const authenticate = authentication();
  const listing: S3rverMiddleware = async (ctx, next) => {
    const bucket = /^\/([^/]+)\/?$/.exec(ctx.path)?.[1];
    if (ctx.method !== "GET" || bucket === undefined || ctx.query["list-type"] !== "2") return next();
    ctx.params = { bucket };
    await authenticate(ctx, async () => {
      if (!(await ctx.store.getBucket(bucket)))
        throw new S3Error("NoSuchBucket", "The specified bucket does not exist", { BucketName: bucket });
      ctx.body = await listPage(ctx, bucket, join(directory, bucket));
    });
  };
  // Just before s3rver's router (the last middleware), inside its XML encoding and error handling.
  server.middleware.splice(server.middleware.length - 1, 0, listing);
}

/** One page of a ListObjectsV2 answer, as the plain object s3rver turns into XML. */
async function listPage(ctx: S3rverContext, bucket: string, bucketFolder: string) {
  const prefix = ctx.query.prefix ?? "";
  const delimiter = ctx.query.delimiter || undefined;
  const maxKeys = Math.min(1000, Number(ctx.query["max-keys"] ?? 1000));
  const token = ctx.query["continuation-token"];
  const after = token === undefined ? (ctx.query["start-after"] ?? "") : Buffer.from(token, "base64url").toString();
  // A listing of one folder level, as a datastore asks for, reads that folder alone.
  const byFolder = delimiter === "/" && (prefix === "" || prefix.endsWith("/")) && process.platform !== "win32";
  const names = byFolder ? await folderNames(bucketFolder, prefix) : await walkedNames(ctx, bucket, prefix, delimiter);
  const page = names.filter(({ name }) => name > after);
  const truncated = page.length > maxKeys;
  page.length = Math.min(page.length, maxKeys);
  const objects = await Promise.all(
    page
      .filter(({ isPrefix }) => !isPrefix)
      .map(async ({ name }) => ({ key: name, metadata: await ctx.store.getMetadata(bucket, name) })),
  );
  return {
    ListBucketResult: {
      "@": { xmlns: "http://s3.amazonaws.com/doc/2006-03-01/" },
      Name: bucket,
      Prefix: prefix,
      ContinuationToken: token,
      NextContinuationToken: truncated ? Buffer.from(page[page.length - 1].name).toString("base64url") : undefined,
      KeyCount: page.length,
      MaxKeys: maxKeys,
      Delimiter: delimiter,
      IsTruncated: truncated,
      Contents: objects.map((object) => ({
        Key: object.key,
        LastModified: new Date(object.metadata["last-modified"]).toISOString(),
        ETag: object.metadata.etag,
        Size: Number(object.metadata["content-length"]),
        StorageClass: "STANDARD",
      })),
      CommonPrefixes: page.filter(({ isPrefix }) => isPrefix).map(({ name }) => ({ Prefix: name })),
    },
  };
}

/** The objects and common prefixes directly in the folder of `prefix`, in key order. */
async function folderNames(bucketFolder: string, prefix: string): Promise<Listed[]> {
  const folder = join(bucketFolder, ...prefix.split("/").filter(Boolean));
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  const names: Listed[] = [];
  for (const entry of entries) {
    if (entry.isFile() && entry.name.endsWith(OBJECT_SUFFIX))
      names.push({ name: prefix + entry.name.slice(0, -OBJECT_SUFFIX.length), isPrefix: false });
    // s3rver removes a folder when its last object goes, but one may outlive it: list only folders holding an object.
    else if (entry.isDirectory() && (await holdsObject(join(folder, entry.name))))
      names.push({ name: `${prefix}${entry.name}/`, isPrefix: true });
  }
  return names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function holdsObject(folder: string): Promise<boolean> {
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith(OBJECT_SUFFIX)) return true;
    if (entry.isDirectory() && (await holdsObject(join(folder, entry.name)))) return true;
  }
  return false;
}

/** Every key under `prefix` (s3rver's walk is right without a delimiter), grouped by the delimiter, in key order. */
async function walkedNames(ctx: S3rverContext, bucket: string, prefix: string, delimiter?: string): Promise<Listed[]> {
  const { objects } = await ctx.store.listObjects(bucket, { prefix, maxKeys: Infinity });
  const keys = objects.map((object) => object.key).sort();
  const names: Listed[] = [];
  for (const key of keys) {
    const at = delimiter === undefined ? -1 : key.indexOf(delimiter, prefix.length);
    const name = at === -1 ? key : key.slice(0, at + (delimiter ?? "").length);
    // Keys under one common prefix are next to each other in key order: one name for all of them.
    if (names.at(-1)?.name !== name) names.push({ name, isPrefix: at !== -1 });
  }
  return names;
}
