import { createHash, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, open, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type S3rver from "s3rver";
import type { S3rverMiddleware } from "s3rver";

/**
 * s3rver 3.7.1 does not write objects atomically, which S3 does and the datastore relies on:
 * - a PUT truncates the object's file and writes it in place, then its size and ETag in other
 *   files, so a GET at the same moment reads part of a value, or the new bytes with the old length;
 * - it answers a PUT (and an UploadPart) before the bytes are on disk, so a GET right after it, or
 *   the CompleteMultipartUpload that joins the parts, may read them short.
 * Here each value (a multipart upload's too) is written to a temp file that is renamed over the object once it is whole, the
 * answer waits for that, and the requests on one key are served one at a time (a GET until its
 * body is sent), so the bytes and their size and ETag always match.
 */
export function makeWritesAtomic(server: S3rver): void {
  const store = server.store;
  store.putObject = async (object) => {
    const path = store.getResourcePath(object.bucket, object.key, "object");
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${randomUUID()}.partial`;
    const written = await writeCounted(object.content, temp);
    await rename(temp, path);
    await store.putMetadata(object.bucket, object.key, object.metadata, written.md5);
    return written;
  };
  store.putPart = async (bucket, uploadId, partNumber, content) => {
    const path = join(store.getResourcePath(bucket, undefined, "uploads"), uploadId, String(partNumber));
    await mkdir(dirname(path), { recursive: true });
    const written = await writeCounted(content, path);
    await writeFile(`${path}.md5`, written.md5);
    return written;
  };
  store.putObjectMultipart = async (bucket, uploadId, parts) => {
    const uploads = join(store.getResourcePath(bucket, undefined, "uploads"), uploadId);
    const key = await readFile(join(uploads, "key"), "utf8");
    const metadata = JSON.parse(await readFile(join(uploads, "metadata"), "utf8")) as Record<string, string>;
    const path = store.getResourcePath(bucket, key, "object");
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${randomUUID()}.partial`;
    const joined = await joinParts(uploads, parts, temp);
    await rename(temp, path);
    await store.putMetadata(bucket, key, metadata, joined.md5);
    await rm(uploads, { recursive: true, force: true });
    return joined;
  };
  // First of all middleware: the lock covers s3rver's whole handling of the request.
  server.middleware.unshift(oneRequestPerKey());
}

/**
 * Joins an upload's parts into `path` a part at a time, with S3's ETag of a multipart object (the
 * MD5 of the parts' MD5s, then "-" and their count). s3rver streamed them through an MD5 of the
 * whole, twice as slow (about 1.8 s for 100 MiB here), which a benchmark would charge to the datastore.
 */
async function joinParts(
  uploads: string,
  parts: { number: number }[],
  path: string,
): Promise<{ size: number; md5: string }> {
  const ordered = [...parts].sort((a, b) => a.number - b.number);
  const digests: Buffer[] = [];
  let size = 0;
  const file = await open(path, "w");
  try {
    for (const { number } of ordered) {
      const bytes = await readFile(join(uploads, String(number)));
      await file.write(bytes);
      size += bytes.length;
      digests.push(Buffer.from(await readFile(join(uploads, `${number}.md5`), "utf8"), "hex"));
    }
  } finally {
    await file.close();
  }
  return { size, md5: `${createHash("md5").update(Buffer.concat(digests)).digest("hex")}-${ordered.length}` };
}

/** Writes `content` to `path`, resolving once it is all on disk, with its size and MD5 (S3's ETag of a PUT). */
async function writeCounted(
  content: Buffer | NodeJS.ReadableStream,
  path: string,
): Promise<{ size: number; md5: string }> {
  const hash = createHash("md5");
  let size = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(Buffer.isBuffer(content) ? Readable.from([content]) : content, count, createWriteStream(path));
  return { size, md5: hash.digest("hex") };
}

/**
 * Serves the requests on one object key one at a time, each until its response is sent. The parts
 * of a multipart upload (PUT with an uploadId) are exempt: they write no object, and go in parallel.
 */
function oneRequestPerKey(): S3rverMiddleware {
  const last = new Map<string, Promise<void>>();
  return async (ctx, next) => {
    const key = /^\/[^/]+\/.+/.test(ctx.path) ? ctx.path : undefined;
    if (key === undefined || (ctx.method === "PUT" && ctx.query.uploadId !== undefined)) return next();
    const before = last.get(key) ?? Promise.resolve();
    let release = () => {};
    const mine = new Promise<void>((resolve) => (release = resolve));
    last.set(key, mine);
    ctx.res.once("close", () => {
      release();
      if (last.get(key) === mine) last.delete(key);
    });
    await before;
    await next();
  };
}
