import S3rver, { type S3rverContext, type S3rverMiddleware, type StoredObject } from "s3rver";
import authentication from "s3rver/lib/middleware/authentication";
import S3Error from "s3rver/lib/models/error";

/**
 * s3rver 3.7.1 lists wrongly in two ways that matter to a datastore, so its ListObjectsV2 is
 * answered here instead, from its own store, behind its own authentication:
 * - with a delimiter it never descends two folders below the prefix, so `flows/` is missing from a
 *   listing of the root when every object lies deeper (`flows/F/runs/1/run.json`);
 * - past 1,000 keys it makes a continuation token with DES, which Node 17+ (OpenSSL 3) refuses:
 *   the truncated page is a 500 InternalError.
 * The token here is the last name returned (a key or a common prefix), so a page never repeats a
 * common prefix of the one before.
 */
export function fixListing(server: S3rver): void {
  const authenticate = authentication();
  const listing: S3rverMiddleware = async (ctx, next) => {
    const bucket = /^\/([^/]+)\/?$/.exec(ctx.path)?.[1];
    if (ctx.method !== "GET" || bucket === undefined || ctx.query["list-type"] !== "2") return next();
    ctx.params = { bucket };
    await authenticate(ctx, async () => {
      if (!(await ctx.store.getBucket(bucket)))
        throw new S3Error("NoSuchBucket", "The specified bucket does not exist", { BucketName: bucket });
      ctx.body = await listPage(ctx, bucket);
    });
  };
  // Just before s3rver's router (the last middleware), inside its XML encoding and error handling.
  server.middleware.splice(server.middleware.length - 1, 0, listing);
}

/** One page of a ListObjectsV2 answer, as the plain object s3rver turns into XML. */
async function listPage(ctx: S3rverContext, bucket: string) {
  const prefix = ctx.query.prefix ?? "";
  const delimiter = ctx.query.delimiter || undefined;
  const maxKeys = Math.min(1000, Number(ctx.query["max-keys"] ?? 1000));
  const token = ctx.query["continuation-token"];
  const after = token === undefined ? (ctx.query["start-after"] ?? "") : Buffer.from(token, "base64url").toString();
  // Without a delimiter s3rver's walk is right; S3 lists in key order, its walk in folder order.
  const { objects } = await ctx.store.listObjects(bucket, { prefix, maxKeys: Infinity });
  objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const contents: StoredObject[] = [];
  const prefixes: string[] = [];
  let last: string | undefined;
  let truncated = false;
  for (const object of objects) {
    const at = delimiter === undefined ? -1 : object.key.indexOf(delimiter, prefix.length);
    const name = at === -1 ? object.key : object.key.slice(0, at + (delimiter ?? "").length);
    // Keys under one common prefix are next to each other in key order: one name for all of them.
    if (name <= after || name === last) continue;
    if (contents.length + prefixes.length === maxKeys) {
      truncated = true;
      break;
    }
    last = name;
    if (at === -1) contents.push(object);
    else prefixes.push(name);
  }
  return {
    ListBucketResult: {
      "@": { xmlns: "http://s3.amazonaws.com/doc/2006-03-01/" },
      Name: bucket,
      Prefix: prefix,
      ContinuationToken: token,
      NextContinuationToken: truncated && last !== undefined ? Buffer.from(last).toString("base64url") : undefined,
      KeyCount: contents.length + prefixes.length,
      MaxKeys: maxKeys,
      Delimiter: delimiter,
      IsTruncated: truncated,
      Contents: contents.map((object) => ({
        Key: object.key,
        LastModified: object.lastModifiedDate.toISOString(),
        ETag: object.metadata.etag,
        Size: object.size,
        StorageClass: "STANDARD",
      })),
      CommonPrefixes: prefixes.map((name) => ({ Prefix: name })),
    },
  };
}
