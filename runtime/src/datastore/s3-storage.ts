import { randomUUID } from "node:crypto";
import type { GetObjectCommandOutput, S3Client } from "@aws-sdk/client-s3";
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  Upload,
} from "./aws-sdk";
import { describeLocation } from "../config/location";
import { DatastoreError } from "./errors";
import { BufferedAppends } from "./s3-appends";
import { readBody } from "./s3-body";
import { endpointOf, s3ClientFor, type S3Location } from "./s3-client";
import { ConditionalWrites, type PutCondition } from "./s3-conditional";
import { isMissingKey, s3Failure } from "./s3-errors";
import { normalizePrefix, objectKeyOf, s3Url } from "./s3-keys";
import type { Storage } from "./storage-api";

/** Values bigger than this go up as a multipart upload, in parts of this size. */
const PART_BYTES = 8 * 1024 * 1024;
/** Parts in flight at once for one value: 4 × 8 MiB held by the SDK at most, beside the value itself. */
const PARTS_IN_FLIGHT = 4;
/** DeleteObjects takes at most this many keys per request. */
const DELETE_BATCH = 1000;
/** Where the conditional-write probe writes its one object, below the prefix; hidden from listings of the root. */
const PROBE_FOLDER = ".tsflow-probe";

/**
 * The datastore in an S3 bucket (AWS, or an S3-compatible store at an endpoint): each key is an
 * object under `prefix/`. PUTs are atomic by nature; conditional ones (`If-None-Match`, `If-Match`)
 * make run-id claims and tag edits safe across machines, with a fallback for stores that ignore
 * them (see ConditionalWrites). Big values go up in parallel parts and come down as a stream into
 * one buffer. Every failure is one DatastoreError naming the operation, the `s3://` URL and the cause.
 */
export class S3Storage implements Storage {
  readonly root: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly conditional: ConditionalWrites;
  private readonly appends: BufferedAppends;
  private readonly location: S3Location;

  /** `client` is for tests (dummy credentials); otherwise one is made from the location and the AWS chain. */
  constructor(given: S3Location, client?: S3Client) {
    const location = { ...given, endpoint: endpointOf(given) };
    this.location = location;
    this.client = client ?? s3ClientFor(location);
    this.bucket = location.bucket;
    this.prefix = normalizePrefix(location.prefix);
    this.root = describeLocation({ ...location, prefix: this.prefix });
    this.conditional = new ConditionalWrites(
      {
        put: (key, body, condition) => this.put(key, body, condition),
        head: (key) => this.etag(key),
        remove: (key) => this.deleteObject(key),
      },
      {
        scope: `${location.endpoint ?? "aws"} ${location.bucket}`,
        probeKey: () => this.objectKey(`${PROBE_FOLDER}/${randomUUID()}`),
        // AWS S3 enforces If-None-Match (since August 2024) and If-Match (since November 2024) on
        // PUT: only an S3-compatible store at an endpoint is probed, once per storage.
        known: location.endpoint === undefined ? { ifNoneMatch: true, ifMatch: true } : undefined,
      },
    );
    // Appends are written later, in the background: their failures are translated here, naming the
    // object, and thrown by the next flush.
    const failing = (operation: string, key: string) => (error: unknown) => {
      throw s3Failure(error, operation, `s3://${this.bucket}/${key}`, location);
    };
    this.appends = new BufferedAppends({
      read: (key) => this.get(key, true).catch(failing("read (to append to it)", key)),
      write: (key, bytes) => this.put(key, bytes).catch(failing("write appended data", key)),
    });
  }

  read(key: string, see?: (chunk: Uint8Array) => void): Promise<Buffer | undefined> {
    return this.attempt("read", key, () => this.get(this.objectKey(key), true, see));
  }

  scan(key: string, see: (chunk: Uint8Array) => void): Promise<boolean> {
    return this.attempt("read", key, async () => (await this.get(this.objectKey(key), false, see)) !== undefined);
  }

  size(key: string): Promise<number | undefined> {
    return this.attempt("look up", key, async () => (await this.head(this.objectKey(key)))?.ContentLength);
  }

  write(key: string, data: Uint8Array | string): Promise<void> {
    return this.attempt("write", key, () => this.put(this.objectKey(key), bytesOf(data)));
  }

  create(key: string, data: Uint8Array | string): Promise<boolean> {
    return this.attempt("create", key, () => this.conditional.create(this.objectKey(key), bytesOf(data)));
  }

  readVersioned(key: string): Promise<{ bytes: Buffer; version: string } | undefined> {
    return this.attempt("read", key, async () => {
      const response = await this.getObject(this.objectKey(key));
      if (response === undefined) return undefined;
      const bytes = await readBody(bodyOf(response), response.ContentLength, this.describe(key), true);
      if (response.ETag === undefined)
        throw new DatastoreError("S3 sent no ETag, which replace needs", this.describe(key));
      return { bytes, version: response.ETag };
    });
  }

  replace(key: string, data: Uint8Array | string, version: string): Promise<boolean> {
    return this.attempt("replace", key, () => this.conditional.replace(this.objectKey(key), bytesOf(data), version));
  }

  list(prefix: string): Promise<string[]> {
    return this.attempt("list", prefix, async () => {
      const names: string[] = [];
      const folder = this.folderKey(prefix);
      for await (const page of this.pages(folder, "/")) {
        for (const { Key } of page.Contents ?? []) if (Key !== undefined) names.push(Key.slice(folder.length));
        for (const { Prefix } of page.CommonPrefixes ?? [])
          if (Prefix !== undefined) names.push(Prefix.slice(folder.length, -1));
      }
      // A key and a folder may share a name on S3 (`a` and `a/b`), never on disk: one name for both.
      const shown = new Set(names.filter((name) => name !== "" && !(prefix === "" && name === PROBE_FOLDER)));
      return [...shown].sort();
    });
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async, so a bad key is a rejection like every other failure
  async append(key: string, data: Uint8Array | string): Promise<void> {
    this.appends.append(this.objectKey(key), data);
  }

  flush(): Promise<void> {
    return this.appends.flush();
  }

  remove(key: string): Promise<void> {
    return this.attempt("remove", key, async () => {
      await this.appends.forget(this.objectKey(key), this.folderKey(key));
      await Promise.all([this.deleteObject(this.objectKey(key)), this.removeFolder(this.folderKey(key))]);
    });
  }

  move(from: string, to: string): Promise<boolean> {
    return this.attempt(`move it to ${this.describe(to)}`, from, async () => {
      const source = this.objectKey(from);
      try {
        await this.client.send(
          new CopyObjectCommand({
            Bucket: this.bucket,
            Key: this.objectKey(to),
            CopySource: copySource(this.bucket, source),
          }),
        );
      } catch (error) {
        if (isMissingKey(error)) return false;
        throw error;
      }
      await this.deleteObject(source);
      return true;
    });
  }

  /**
   * Always none: an object appears whole when its PUT (or its multipart upload's completion)
   * succeeds, so a killed writer leaves nothing half-written among the keys. The parts of an
   * upload that never completed are not objects; a bucket lifecycle rule
   * (AbortIncompleteMultipartUpload) reclaims them.
   */
  // eslint-disable-next-line @typescript-eslint/require-await -- async, so a bad key is a rejection like every other failure
  async leftovers(prefix: string): Promise<string[]> {
    this.folderKey(prefix);
    return [];
  }

  describe(key: string): string {
    return s3Url(this.bucket, this.prefix, key, this.root);
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.client.destroy();
    }
  }

  /** Runs one operation on `key`, turning any failure into one DatastoreError naming it and the key's URL. */
  private async attempt<T>(operation: string, key: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw s3Failure(error, operation, this.describe(key), this.location);
    }
  }

  private objectKey(key: string): string {
    return objectKeyOf(this.prefix, key, this.root);
  }

  /** The key prefix of everything under a datastore prefix ("" for the root), ending in '/' where not empty. */
  private folderKey(prefix: string): string {
    if (prefix === "") return this.prefix === "" ? "" : `${this.prefix}/`;
    return `${this.objectKey(prefix)}/`;
  }

  /** The object, or undefined when the key has none; the body still to be read. */
  private async getObject(objectKey: string): Promise<GetObjectCommandOutput | undefined> {
    try {
      return await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: objectKey }));
    } catch (error) {
      if (isMissingKey(error)) return undefined;
      throw error;
    }
  }

  private async get(objectKey: string, keep: boolean, see?: (chunk: Uint8Array) => void): Promise<Buffer | undefined> {
    const response = await this.getObject(objectKey);
    if (response === undefined) return undefined;
    return readBody(bodyOf(response), response.ContentLength, `s3://${this.bucket}/${objectKey}`, keep, see);
  }

  private async head(objectKey: string): Promise<{ ContentLength?: number; ETag?: string } | undefined> {
    try {
      return await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey }));
    } catch (error) {
      if (isMissingKey(error)) return undefined;
      throw error;
    }
  }

  private async etag(objectKey: string): Promise<string | undefined> {
    return (await this.head(objectKey))?.ETag;
  }

  /** One PUT for a small value, a parallel multipart upload for a big one; either way the buffer is sent as is, not copied. */
  private async put(objectKey: string, body: Uint8Array, condition?: PutCondition): Promise<void> {
    const params = { Bucket: this.bucket, Key: objectKey, Body: body, ...conditionParams(condition) };
    if (body.byteLength <= PART_BYTES) {
      await this.client.send(new PutObjectCommand(params));
      return;
    }
    // The condition rides on CompleteMultipartUpload, where S3 checks it; a refused upload is aborted.
    await new Upload({
      client: this.client,
      params,
      partSize: PART_BYTES,
      queueSize: PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    }).done();
  }

  private async deleteObject(objectKey: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: objectKey }));
  }

  /** Deletes every object under a key prefix, a page (up to 1,000 keys) per DeleteObjects request. */
  private async removeFolder(folder: string): Promise<void> {
    for await (const page of this.pages(folder)) {
      const keys = (page.Contents ?? []).flatMap(({ Key }) => (Key === undefined ? [] : [{ Key }]));
      for (let start = 0; start < keys.length; start += DELETE_BATCH) {
        const response = await this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: keys.slice(start, start + DELETE_BATCH), Quiet: true },
          }),
        );
        const failed = response.Errors?.[0];
        if (failed !== undefined)
          throw Object.assign(new Error(failed.Message ?? "delete refused"), { name: failed.Code ?? "DeleteFailed" });
      }
    }
  }

  /** Every page of a listing under a key prefix, following continuation tokens past 1,000 keys. */
  private async *pages(folder: string, delimiter?: string) {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: folder,
          Delimiter: delimiter,
          ContinuationToken: token,
        }),
      );
      yield page;
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }
}

/** The bytes of a value: a string as UTF-8, a Buffer or Uint8Array as it is (never copied). */
function bytesOf(data: Uint8Array | string): Uint8Array {
  return typeof data === "string" ? Buffer.from(data) : data;
}

function conditionParams(condition: PutCondition | undefined): { IfNoneMatch?: string; IfMatch?: string } {
  if (condition === undefined) return {};
  return "ifNoneMatch" in condition ? { IfNoneMatch: condition.ifNoneMatch } : { IfMatch: condition.ifMatch };
}

/** A GetObject body as the byte stream it is in Node (an IncomingMessage). */
function bodyOf(response: GetObjectCommandOutput): AsyncIterable<Uint8Array> {
  if (response.Body === undefined) return (async function* () {})();
  return response.Body as AsyncIterable<Uint8Array>;
}

/** CopyObject's source: bucket and key, the key URL-encoded segment by segment. */
function copySource(bucket: string, objectKey: string): string {
  return `${bucket}/${objectKey.split("/").map(encodeURIComponent).join("/")}`;
}
