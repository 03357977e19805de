// s3rver ships no types: the parts of its API (and of its Koa internals) the tests use.
declare module "s3rver" {
  import type { AddressInfo } from "node:net";

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }

  /** An object as s3rver's store lists it. */
  export interface StoredObject {
    key: string;
    size: number;
    lastModifiedDate: Date;
    metadata: Record<string, string>;
  }

  /** An object on its way into the store: its bytes (whole, or streaming in) and stored headers. */
  export interface IncomingObject {
    bucket: string;
    key: string;
    content: Buffer | NodeJS.ReadableStream;
    metadata: Record<string, string>;
  }

  /** s3rver's folder-backed store. */
  export interface S3rverStore {
    /** The file of a key's resource: "object", "metadata.json", "object.md5"; "uploads" for the bucket's multipart folder. */
    getResourcePath(bucket: string, key: string | undefined, resource: string): string;
    putObject(object: IncomingObject): Promise<{ size: number; md5: string }>;
    putPart(
      bucket: string,
      uploadId: string,
      partNumber: number,
      content: NodeJS.ReadableStream,
    ): Promise<{ size: number; md5: string }>;
    putObjectMultipart(
      bucket: string,
      uploadId: string,
      parts: { number: number; etag: string }[],
    ): Promise<{ size: number; md5: string }>;
    putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5?: string): Promise<void>;
    getBucket(name: string): Promise<unknown>;
    listObjects(bucket: string, options: { prefix?: string; maxKeys?: number }): Promise<{ objects: StoredObject[] }>;
    /** An object's stored headers: `etag`, `content-length`, `last-modified` and the rest; rejects when there is none. */
    getMetadata(bucket: string, key: string): Promise<Record<string, string>>;
  }

  /** The part of a Koa context a middleware here reads and sets. */
  export interface S3rverContext {
    method: string;
    path: string;
    query: Record<string, string | undefined>;
    params: Record<string, string>;
    store: S3rverStore;
    body: unknown;
    res: import("node:http").ServerResponse;
  }

  export type S3rverMiddleware = (ctx: S3rverContext, next: () => Promise<void>) => Promise<void>;

  /** An S3 server (a Koa app) backed by a folder: `run()` listens, `close()` stops listening. */
  export default class S3rver {
    constructor(options?: S3rverOptions);
    /** Koa's middleware list, in order; composed when the server starts listening. */
    middleware: S3rverMiddleware[];
    /** The store every request reads and writes through (one instance, shared by the contexts). */
    store: S3rverStore;
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  }
}

declare module "s3rver/lib/middleware/authentication" {
  import type { S3rverMiddleware } from "s3rver";
  /** s3rver's request authentication (checks the access key id; V4 signatures are not verified). */
  export default function authentication(): S3rverMiddleware;
}

declare module "s3rver/lib/models/error" {
  /** An S3 error response: s3rver renders it as S3's XML error body with the status of `code`. */
  export default class S3Error extends Error {
    constructor(code: string, message: string, detail?: Record<string, string>);
  }
}
