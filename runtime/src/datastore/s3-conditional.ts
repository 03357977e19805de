import { randomUUID } from "node:crypto";
import { isMissingKey, isPreconditionFailed } from "./s3-errors";

/** A precondition on a PUT: `If-None-Match: *` (create) or `If-Match: <etag>` (compare-and-swap). */
export type PutCondition = { ifNoneMatch: "*" } | { ifMatch: string };

/** The object-store calls conditional writes are made of, by object key (the bucket is the caller's). */
export interface ObjectCalls {
  put(key: string, body: Uint8Array, condition?: PutCondition): Promise<void>;
  /** The object's ETag, or undefined when there is none. */
  head(key: string): Promise<string | undefined>;
  remove(key: string): Promise<void>;
}

/** Which conditional headers a store enforces on PUT (AWS since 2024, Ceph RGW, MinIO: both; s3rver: neither). */
export interface ConditionalSupport {
  ifNoneMatch: boolean;
  ifMatch: boolean;
  /**
   * The store compares `If-Match` with the ETag without its quotes: Ceph RGW 16 refuses the quoted
   * form S3 hands out, even when it is current (DigitalOcean Spaces, also Ceph, does the same).
   */
  bareEtag?: boolean;
}

/** Where conditional writes happen and what is known of the store beforehand. */
export interface ConditionalOptions {
  /** Names the bucket (endpoint and name): storages of one bucket in this process share the fallback's serialization. */
  scope: string;
  /** Where the probe may write and remove an object of its own, under the datastore's prefix. */
  probeKey: () => string;
  /** What the store is known to enforce, when it need not be probed (AWS S3 itself). */
  known?: ConditionalSupport;
}

/** The last fallback write queued per bucket and key in this process: each waits for the one before. */
const fallbackQueues = new Map<string, Promise<unknown>>();

/** Values at least this big are looked for before they are sent: a 100 MiB blob already there is not uploaded again. */
const LOOK_FIRST_BYTES = 8 * 1024 * 1024;

/**
 * Create-if-absent and compare-and-swap on an object store. Where the store enforces `If-None-Match`
 * and `If-Match` on PUT, they decide atomically on the server: two machines can never both create
 * one run id. Where it ignores them (found once per storage by a probe), the writes fall back to
 * HEAD-then-PUT, serialized per key inside this process (across every storage of one bucket in
 * it): exact for writers that share this process, but two processes racing on one key may both
 * win. That weaker guarantee is the most such a store allows.
 */
export class ConditionalWrites {
  private support?: Promise<ConditionalSupport>;

  constructor(
    private readonly calls: ObjectCalls,
    private readonly options: ConditionalOptions,
  ) {
    if (options.known !== undefined) this.support = Promise.resolve(options.known);
  }

  /** Writes `key` only when it does not exist; true when this call wrote it. */
  async create(key: string, body: Uint8Array): Promise<boolean> {
    const { ifNoneMatch } = await this.supported();
    if (!ifNoneMatch) return this.serially(key, () => this.createByHead(key, body));
    if (body.byteLength >= LOOK_FIRST_BYTES && (await this.calls.head(key)) !== undefined) return false;
    return landed(() => this.calls.put(key, body, { ifNoneMatch: "*" }), isPreconditionFailed);
  }

  /** Writes `key` only when its ETag is still `etag`; false when another writer changed or removed it. */
  async replace(key: string, body: Uint8Array, etag: string): Promise<boolean> {
    const { ifMatch, bareEtag } = await this.supported();
    if (!ifMatch) return this.serially(key, () => this.replaceByHead(key, body, etag));
    // If-Match on an object removed meanwhile is 404 NoSuchKey: another writer changed it too.
    return landed(
      () => this.calls.put(key, body, { ifMatch: bareEtag ? unquoted(etag) : etag }),
      (e) => isPreconditionFailed(e) || isMissingKey(e),
    );
  }

  /** What the store enforces, probed on first use and remembered (a failed probe is tried again next time). */
  supported(): Promise<ConditionalSupport> {
    this.support ??= probe(this.calls, this.options.probeKey()).catch((error: unknown) => {
      this.support = undefined;
      throw error;
    });
    return this.support;
  }

  private async createByHead(key: string, body: Uint8Array): Promise<boolean> {
    if ((await this.calls.head(key)) !== undefined) return false;
    await this.calls.put(key, body);
    return true;
  }

  private async replaceByHead(key: string, body: Uint8Array, etag: string): Promise<boolean> {
    if ((await this.calls.head(key)) !== etag) return false;
    await this.calls.put(key, body);
    return true;
  }

  /** Runs `work` after every earlier fallback write to `key` of this bucket in this process has settled. */
  private async serially<T>(key: string, work: () => Promise<T>): Promise<T> {
    const queue = `${this.options.scope} ${key}`;
    const before = fallbackQueues.get(queue) ?? Promise.resolve();
    const done = before.then(work, work);
    const settled = done.catch(() => undefined);
    fallbackQueues.set(queue, settled);
    try {
      return await done;
    } finally {
      if (fallbackQueues.get(queue) === settled) fallbackQueues.delete(queue);
    }
  }
}

/**
 * Finds out whether the store enforces conditional PUTs: writes a fresh object, writes it again
 * with `If-None-Match: *` and with an `If-Match` that cannot match, and removes it. A store that
 * lets the second or third write through ignores that header; one that answers 501 does not know it.
 * A store that enforces `If-Match` must also accept the current ETag, quoted as S3 hands it out or
 * bare: the form that lands is the one `replace` sends; when neither does, it is not relied on.
 */
async function probe(calls: ObjectCalls, key: string): Promise<ConditionalSupport> {
  await calls.put(key, Buffer.from("probe"), { ifNoneMatch: "*" });
  try {
    const ifNoneMatch = await refused(() => calls.put(key, Buffer.from("again"), { ifNoneMatch: "*" }));
    const ifMatch = await refused(() => calls.put(key, Buffer.from("again"), { ifMatch: `"${randomUUID()}"` }));
    if (!ifMatch) return { ifNoneMatch, ifMatch };
    const etag = await calls.head(key);
    if (etag === undefined) return { ifNoneMatch, ifMatch: false };
    if (!(await refused(() => calls.put(key, Buffer.from("quoted"), { ifMatch: etag })))) {
      return { ifNoneMatch, ifMatch: true };
    }
    const current = await calls.head(key);
    const bare =
      current !== undefined &&
      !(await refused(() => calls.put(key, Buffer.from("bare"), { ifMatch: unquoted(current) })));
    return bare ? { ifNoneMatch, ifMatch: true, bareEtag: true } : { ifNoneMatch, ifMatch: false };
  } finally {
    await calls.remove(key);
  }
}

/** An ETag without the double quotes S3 puts around it. */
function unquoted(etag: string): string {
  return etag.replace(/^"(.*)"$/, "$1");
}

/** True when the store refused a write that a store enforcing its condition must refuse. */
async function refused(put: () => Promise<void>): Promise<boolean> {
  try {
    await put();
    return false;
  } catch (error) {
    if (isPreconditionFailed(error)) return true;
    if (statusOf(error) === 501) return false;
    throw error;
  }
}

/** A conditional PUT: true when it landed, false when its condition failed (`lost` says which errors mean that). */
async function landed(put: () => Promise<void>, lost: (error: unknown) => boolean): Promise<boolean> {
  try {
    await put();
    return true;
  } catch (error) {
    if (lost(error)) return false;
    throw error;
  }
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}
