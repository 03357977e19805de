import type S3rver from "s3rver";
import type { S3rverContext, S3rverMiddleware } from "s3rver";
import S3Error from "s3rver/lib/models/error";

/**
 * Makes s3rver enforce `If-None-Match: *` and `If-Match: <etag>` on PUT, as AWS S3, Ceph RGW and
 * MinIO do and s3rver 3.7.1 does not: a store that ignores them leaves TSFlow its HEAD-then-PUT
 * fallback, which two processes racing on one key can both win (two runs started in the same
 * millisecond could share a run id). Tests of what several processes do at once use this, so they
 * test the path real stores take rather than that race. Needs makeWritesAtomic's one-request-per-key
 * lock (installed first), under which the check and the write are one step.
 */
export function enforceConditionalWrites(server: S3rver): void {
  const conditional: S3rverMiddleware = async (ctx, next) => {
    const target = /^\/([^/]+)\/(.+)$/.exec(ctx.path);
    const ifNoneMatch = header(ctx, "if-none-match");
    const ifMatch = header(ctx, "if-match");
    if (ctx.method !== "PUT" || target === null || ctx.query.uploadId !== undefined) return next();
    if (ifNoneMatch === undefined && ifMatch === undefined) return next();
    const [, bucket, key] = target;
    const etag = await ctx.store.getMetadata(bucket, decodeURIComponent(key)).then(
      (metadata) => metadata.etag,
      () => undefined,
    );
    if (ifNoneMatch === "*" && etag !== undefined) throw preconditionFailed("If-None-Match");
    if (ifMatch !== undefined && etag === undefined) {
      throw new S3Error("NoSuchKey", "The specified key does not exist.", { Key: key });
    }
    if (ifMatch !== undefined && unquoted(ifMatch) !== unquoted(etag ?? "")) throw preconditionFailed("If-Match");
    return next();
  };
  // Just before s3rver's router (the last middleware), inside its XML error rendering.
  server.middleware.splice(server.middleware.length - 1, 0, conditional);
}

function header(ctx: S3rverContext, name: string): string | undefined {
  const value = (ctx as S3rverContext & { get(field: string): string }).get(name);
  return value === "" ? undefined : value;
}

function unquoted(etag: string): string {
  return etag.replace(/^"|"$/g, "");
}

function preconditionFailed(condition: string): S3Error {
  return new S3Error("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", {
    Condition: condition,
  });
}
