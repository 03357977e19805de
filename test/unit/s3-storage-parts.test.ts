import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { describe, test } from "node:test";
import { DatastoreError } from "../../runtime/src/datastore/errors";
import { BufferedAppends } from "../../runtime/src/datastore/s3-appends";
import { readBody } from "../../runtime/src/datastore/s3-body";
import { ConditionalWrites, type ObjectCalls, type PutCondition } from "../../runtime/src/datastore/s3-conditional";
import { s3ClientFor } from "../../runtime/src/datastore/s3-client";
import { s3Cause } from "../../runtime/src/datastore/s3-errors";

/** An SDK-shaped service error: a name and an HTTP status. */
function sdkError(name: string, status: number, extra: object = {}): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status }, ...extra });
}

/** An object store in memory that enforces conditional PUTs as S3 does, or ignores them as s3rver does. */
function memoryStore(enforces: boolean, bareEtags = false) {
  const objects = new Map<string, { body: Uint8Array; etag: string }>();
  const calls: string[] = [];
  let version = 0;
  const store: ObjectCalls = {
    put(key: string, body: Uint8Array, condition?: PutCondition) {
      calls.push(`put ${key}${condition === undefined ? "" : ` ${JSON.stringify(condition)}`}`);
      const current = objects.get(key);
      if (enforces && condition !== undefined) {
        if ("ifNoneMatch" in condition && current !== undefined)
          return Promise.reject(sdkError("PreconditionFailed", 412));
        if ("ifMatch" in condition && current === undefined) return Promise.reject(sdkError("NoSuchKey", 404));
        // Ceph RGW 16 compares If-Match with the ETag without its quotes.
        const etag = bareEtags ? current?.etag.replace(/"/g, "") : current?.etag;
        if ("ifMatch" in condition && etag !== condition.ifMatch)
          return Promise.reject(sdkError("PreconditionFailed", 412));
      }
      objects.set(key, { body, etag: `"${++version}"` });
      return Promise.resolve();
    },
    head(key: string) {
      calls.push(`head ${key}`);
      return Promise.resolve(objects.get(key)?.etag);
    },
    remove(key: string) {
      calls.push(`remove ${key}`);
      objects.delete(key);
      return Promise.resolve();
    },
  };
  return { store, objects, calls };
}

describe("conditional writes", () => {
  test("on a store that enforces them, the probe says so and create and replace are one conditional PUT each", async () => {
    const { store, objects, calls } = memoryStore(true);
    const writes = new ConditionalWrites(store, { scope: "b", probeKey: () => "p/.tsflow-probe/1" });
    assert.deepEqual(await writes.supported(), { ifNoneMatch: true, ifMatch: true });
    assert.equal(objects.has("p/.tsflow-probe/1"), false, "the probe removes its object");
    calls.length = 0;
    assert.equal(await writes.create("k", Buffer.from("a")), true);
    assert.equal(await writes.create("k", Buffer.from("b")), false);
    assert.deepEqual(calls, ['put k {"ifNoneMatch":"*"}', 'put k {"ifNoneMatch":"*"}']);
    const etag = objects.get("k")?.etag ?? assert.fail();
    assert.equal(await writes.replace("k", Buffer.from("c"), etag), true);
    assert.equal(await writes.replace("k", Buffer.from("d"), etag), false);
    assert.equal(await writes.replace("gone", Buffer.from("e"), etag), false, "If-Match on a removed object loses");
    assert.equal(Buffer.from(objects.get("k")?.body ?? []).toString(), "c");
  });

  test("on a store that compares If-Match with the bare ETag (Ceph RGW), replace sends it bare and lands", async () => {
    const { store, objects, calls } = memoryStore(true, true);
    const writes = new ConditionalWrites(store, { scope: "b", probeKey: () => "probe" });
    assert.deepEqual(await writes.supported(), { ifNoneMatch: true, ifMatch: true, bareEtag: true });
    assert.equal(await writes.create("k", Buffer.from("a")), true);
    const etag = objects.get("k")?.etag ?? assert.fail();
    calls.length = 0;
    assert.equal(await writes.replace("k", Buffer.from("b"), etag), true);
    assert.deepEqual(calls, [`put k {"ifMatch":"${etag.replace(/"/g, "")}"}`]);
    assert.equal(await writes.replace("k", Buffer.from("c"), etag), false, "a stale ETag still loses");
  });

  test("a store known to enforce them (AWS S3) is not probed", async () => {
    const { store, calls } = memoryStore(true);
    const writes = new ConditionalWrites(store, {
      scope: "b",
      probeKey: () => assert.fail("no probe"),
      known: { ifNoneMatch: true, ifMatch: true },
    });
    assert.equal(await writes.create("k", Buffer.from("a")), true);
    assert.deepEqual(calls, ['put k {"ifNoneMatch":"*"}']);
  });

  test("a value of 8 MiB or more is looked for before it is sent: an existing blob is not uploaded again", async () => {
    const { store, calls } = memoryStore(true);
    const writes = new ConditionalWrites(store, { scope: "b", probeKey: () => "probe" });
    await writes.supported();
    const big = Buffer.alloc(8 * 1024 * 1024);
    assert.equal(await writes.create("blob", big), true);
    calls.length = 0;
    assert.equal(await writes.create("blob", big), false);
    assert.deepEqual(calls, ["head blob"]);
  });

  test("on a store that ignores them, HEAD decides, serialized per key across the bucket's storages in this process", async () => {
    const { store, calls } = memoryStore(false);
    const writes = [
      new ConditionalWrites(store, { scope: "b", probeKey: () => "probe 1" }),
      new ConditionalWrites(store, { scope: "b", probeKey: () => "probe 2" }),
    ];
    assert.deepEqual(await writes[0].supported(), { ifNoneMatch: false, ifMatch: false });
    await writes[1].supported();
    calls.length = 0;
    const created = await Promise.all([0, 1, 2].map((i) => writes[i % 2].create("k", Buffer.from(`${i}`))));
    assert.deepEqual(created, [true, false, false]);
    assert.deepEqual(calls, ["head k", "put k", "head k", "head k"]);
  });

  test("storages of different buckets do not wait for each other", async () => {
    const { store, calls } = memoryStore(false);
    const writes = [
      new ConditionalWrites(store, { scope: "b1", probeKey: () => "probe 1" }),
      new ConditionalWrites(store, { scope: "b2", probeKey: () => "probe 2" }),
    ];
    await Promise.all(writes.map((w) => w.supported()));
    calls.length = 0;
    // One key name in two buckets (one map stands for both here): neither waits for the other.
    await Promise.all(writes.map((w) => w.create("k", Buffer.from("x"))));
    assert.deepEqual(calls, ["head k", "head k", "put k", "put k"]);
  });

  test("a 409 ConditionalRequestConflict (a conditional write raced) is a lost create, not an error", async () => {
    const { store } = memoryStore(true);
    const writes = new ConditionalWrites(
      {
        ...store,
        put: (key, body, condition) =>
          key === "k" ? Promise.reject(sdkError("ConditionalRequestConflict", 409)) : store.put(key, body, condition),
      },
      { scope: "b", probeKey: () => "probe" },
    );
    assert.equal(await writes.create("k", Buffer.from("x")), false);
  });

  test("a failed probe is an error, tried again on the next write; a missing bucket is never 'already there'", async () => {
    const { store } = memoryStore(true);
    let failing = true;
    const writes = new ConditionalWrites(
      {
        ...store,
        put: (key, body, condition) =>
          failing ? Promise.reject(sdkError("NoSuchBucket", 404)) : store.put(key, body, condition),
      },
      { scope: "b", probeKey: () => "probe" },
    );
    await assert.rejects(writes.create("k", Buffer.from("x")), { name: "NoSuchBucket" });
    failing = false;
    assert.equal(await writes.create("k", Buffer.from("x")), true);
  });
});

describe("buffered appends", () => {
  /** A store of whole values that announces each write. */
  function valueStore(initial: Record<string, string> = {}) {
    const values = new Map(Object.entries(initial).map(([key, text]) => [key, Buffer.from(text)]));
    const written: string[] = [];
    let failNext = false;
    let onWrite = () => {};
    const store = {
      read: (key: string) => Promise.resolve(values.get(key)),
      write(key: string, bytes: Uint8Array) {
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error("network down"));
        }
        values.set(key, Buffer.from(bytes));
        written.push(key);
        onWrite();
        return Promise.resolve();
      },
    };
    return {
      store,
      values,
      written,
      failOnce: () => (failNext = true),
      nextWrite: () => new Promise<void>((resolve) => (onWrite = resolve)),
    };
  }

  test("appends are written without a flush once the interval passes, whole and in order", async () => {
    const { store, values, nextWrite } = valueStore({ log: "old\n" });
    const appends = new BufferedAppends(store, 20);
    const written = nextWrite();
    appends.append("log", "a\n");
    appends.append("log", Buffer.from("b\n"));
    assert.equal(values.get("log")?.toString(), "old\n", "nothing is written at once");
    // The rewrite's timer is unref'd (it must not keep a finished process alive): a timer of the
    // test's own keeps this process alive until it fires, and bounds the wait.
    let guard: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      guard = setTimeout(() => reject(new Error("the appends were not written within 5 s")), 5000);
    });
    await Promise.race([written, late]).finally(() => clearTimeout(guard));
    assert.equal(values.get("log")?.toString(), "old\na\nb\n");
  });

  test("many appends between rewrites cost one write per key, and a caller may reuse its buffer", async () => {
    const { store, values, written } = valueStore();
    const appends = new BufferedAppends(store, 60_000);
    const chunk = Buffer.from("x");
    for (let i = 0; i < 100; i++) {
      chunk[0] = 48 + (i % 10);
      appends.append("a", chunk);
      appends.append("b", `${i}`);
    }
    await appends.flush();
    assert.deepEqual(written.sort(), ["a", "b"]);
    assert.equal(values.get("a")?.toString(), "0123456789".repeat(10));
  });

  test("a failed rewrite is thrown by the next flush and its appends are written by the one after", async () => {
    const { store, values, failOnce } = valueStore();
    const appends = new BufferedAppends(store, 60_000);
    appends.append("log", "one\n");
    failOnce();
    await assert.rejects(appends.flush(), /network down/);
    appends.append("log", "two\n");
    await appends.flush();
    assert.equal(values.get("log")?.toString(), "one\ntwo\n");
  });
});

describe("reading a body", () => {
  const chunks = (...parts: string[]) => Readable.from(parts.map((part) => Buffer.from(part)));

  test("into one buffer of the announced length, passing each chunk on", async () => {
    const seen: string[] = [];
    const body = await readBody(chunks("ab", "cd"), 4, "s3://b/k", true, (chunk) =>
      seen.push(Buffer.from(chunk).toString()),
    );
    assert.equal(body.toString(), "abcd");
    assert.deepEqual(seen, ["ab", "cd"]);
  });

  test("a body shorter or longer than announced is an error naming the object, never a value", async () => {
    await assert.rejects(readBody(chunks("ab"), 4, "s3://b/k", true), (error: Error) => {
      assert.ok(error instanceof DatastoreError);
      assert.equal(error.message, "s3://b/k: S3 sent 2 of the 4 bytes it announced");
      return true;
    });
    await assert.rejects(readBody(chunks("abcde"), 4, "s3://b/k", false), /sent more than the 4 bytes/);
  });

  test("without a length, the chunks are joined", async () => {
    assert.equal((await readBody(chunks("a", "b"), undefined, "s3://b/k", true)).toString(), "ab");
  });
});

describe("S3 failures in words", () => {
  const target = { bucket: "team", endpoint: "http://127.0.0.1:9000" };

  test("a bucket in another region names the region to use", () => {
    const redirect = sdkError("PermanentRedirect", 301, {
      $response: { headers: { "x-amz-bucket-region": "eu-west-1" } },
    });
    assert.equal(
      s3Cause(redirect, target),
      "the bucket is in region eu-west-1: set AWS_REGION=eu-west-1 (wrong region)",
    );
    assert.equal(
      s3Cause(sdkError("301", 301), target),
      "the bucket is in another region: set AWS_REGION (wrong region)",
    );
  });

  test("no region anywhere says how to set one", () => {
    assert.equal(
      s3Cause(new Error("Region is missing"), { bucket: "team" }),
      "no AWS region: set AWS_REGION, or a region in ~/.aws/config",
    );
  });

  test("a refused operation suggests a read-only policy", () => {
    assert.match(s3Cause(sdkError("AccessDenied", 403), target), /access denied: a read-only policy/);
    // A HEAD's 403 says nothing more: wrong credentials are as likely as a missing permission.
    assert.match(s3Cause(sdkError("Unknown", 403), target), /HTTP 403 with no reason.*: wrong credentials, or a key/);
  });

  test("a timeout names the endpoint that stayed silent; without an endpoint, S3 itself", () => {
    const timeout = Object.assign(new Error("timed out"), { name: "TimeoutError" });
    assert.equal(s3Cause(timeout, target), "the endpoint http://127.0.0.1:9000 did not answer in time (TimeoutError)");
    assert.equal(s3Cause(timeout, { bucket: "team" }), "S3 did not answer in time (TimeoutError)");
  });

  test("an answer that is not S3's says so", () => {
    const error = sdkError("NotFound", 404);
    error.message = "UnknownError";
    assert.equal(
      s3Cause(error, target),
      "the endpoint http://127.0.0.1:9000 answered HTTP 404 without an S3 error (is it an S3 endpoint?)",
    );
  });

  test("anything else keeps the SDK's name, status and first line", () => {
    const error = sdkError("SlowDown", 503);
    error.message = "Please reduce your request rate.\n<xml>...</xml>";
    assert.equal(s3Cause(error, target), "SlowDown (HTTP 503): Please reduce your request rate.");
  });
});

describe("the S3 client for a location", () => {
  test("an endpoint means path-style addressing and a default region; an empty one means AWS S3 itself", async () => {
    const compatible = s3ClientFor({ kind: "s3", bucket: "team", prefix: "", endpoint: "http://127.0.0.1:9000" });
    assert.equal(compatible.config.forcePathStyle, true);
    assert.equal(await compatible.config.region(), "us-east-1");
    const aws = s3ClientFor({ kind: "s3", bucket: "team", prefix: "", endpoint: "", region: "eu-west-1" });
    assert.notEqual(aws.config.forcePathStyle, true);
    assert.equal(await aws.config.region(), "eu-west-1");
    compatible.destroy();
    aws.destroy();
  });
});
